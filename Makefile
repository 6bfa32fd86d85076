# mongen developer targets. `make test` is what CI runs (.ci/run).
GO          ?= go
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
BIN         := bin/mongen

.PHONY: build test unit e2e lint fmt-check tools out clean actionlint

build:
	$(GO) build -o $(BIN) ./cmd/mongen

# The whole suite: style, unit and golden tests, CLI scripts, the real
# Prometheus end to end, the workflows, and a check that the committed out/
# is current.
test: tools lint actionlint
	$(GO) test -count=1 ./...
	$(GO) run ./cmd/mongen check

unit:
	$(GO) test -short ./...

# Builds the real Prometheus and Alertmanager servers (the newest that
# build here and each profile's oldest: scripts/install-servers.sh) and the
# operator's own config generator (tools/opconfig) into .cache/bin (cached).
tools:
	scripts/install-prometheus.sh >/dev/null
	scripts/install-alertmanager.sh >/dev/null
	scripts/install-servers.sh >/dev/null
	scripts/install-opconfig.sh >/dev/null

lint: fmt-check
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.cache/*')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# Lints .github/workflows and the workflows mongen init writes (actionlint
# v1.7.12 from the Go module proxy, into .cache/bin).
actionlint:
	scripts/actionlint.sh

# Rebuilds every shipped environment into out/.
out:
	$(GO) run ./cmd/mongen build --all

clean:
	rm -rf bin
