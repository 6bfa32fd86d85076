package diag

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestParsePos(t *testing.T) {
	cases := []struct {
		in   string
		pos  Pos
		rest string
		ok   bool
	}{
		{"environments/dev/env.cue:12:3: bad value", Pos{"environments/dev/env.cue", 12, 3}, "bad value", true},
		{"rules.yaml:4: no col", Pos{"rules.yaml", 4, 0}, "no col", true},
		{"no position here", Pos{}, "no position here", false},
		{"dev: value was rounded up", Pos{}, "dev: value was rounded up", false},
		{"a b:1:2: spaces in file", Pos{}, "a b:1:2: spaces in file", false},
		{"f:0:1: line zero", Pos{}, "f:0:1: line zero", false},
		{"f:x:1: not a number", Pos{}, "f:x:1: not a number", false},
	}
	for _, c := range cases {
		p, rest, ok := ParsePos(c.in)
		if p != c.pos || rest != c.rest || ok != c.ok {
			t.Errorf("ParsePos(%q) = %v, %q, %v; want %v, %q, %v", c.in, p, rest, ok, c.pos, c.rest, c.ok)
		}
	}
}

func TestListSortsAndDeduplicates(t *testing.T) {
	var l List
	l.Add(Pos{"b.cue", 1, 1}, "second file")
	l.Add(Pos{"a.cue", 9, 1}, "later line")
	l.Add(Pos{"a.cue", 2, 5}, "earlier line")
	l.Add(Pos{"a.cue", 2, 5}, "earlier line")
	err := l.Err()
	want := "a.cue:2:5: earlier line\na.cue:9:1: later line\nb.cue:1:1: second file"
	if err == nil || err.Error() != want {
		t.Fatalf("Err() = %v, want\n%s", err, want)
	}
	if (List{}).Err() != nil {
		t.Error("an empty list is an error")
	}
}

func TestAsFindsWrappedDiagnostics(t *testing.T) {
	d := Diagnostic{Pos: Pos{"x.cue", 3, 4}, Msg: "m", Hint: "do this", Related: []Pos{{"y.cue", 1, 1}}}
	if got, want := d.Error(), "x.cue:3:4: m (see y.cue:1:1); do this"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	for _, err := range []error{
		fmt.Errorf("build: %w", List{d}),
		fmt.Errorf("build: %w", d),
	} {
		l, ok := As(err)
		if !ok || len(l) != 1 || l[0].Pos != d.Pos {
			t.Errorf("As(%v) = %v, %v", err, l, ok)
		}
	}
	if _, ok := As(errors.New("plain")); ok {
		t.Error("As found diagnostics in a plain error")
	}
	w := Wrap(List{d}, "render alertmanager")
	l, _ := As(w)
	if l[0].Msg != "render alertmanager: m" || l[0].Pos != d.Pos {
		t.Errorf("Wrap lost the position or the context: %+v", l[0])
	}
}

func TestOrigin(t *testing.T) {
	cases := map[string]Pos{
		"":                              {},
		"environments/dev/dev.cue:25:3": {"environments/dev/dev.cue", 25, 3},
		"rules.yml:4":                   {"rules.yml", 4, 0},
		"environments/dev":              {File: "environments/dev"},
		// Not a position: kept whole, so the message names the same place.
		"a.cue:1:2 (exporter \"node\")": {File: "a.cue:1:2 (exporter \"node\")"},
	}
	for in, want := range cases {
		if got := Origin(in); got != want {
			t.Errorf("Origin(%q) = %+v, want %+v", in, got, want)
		}
		if got := Origin(in).String(); got != in {
			t.Errorf("Origin(%q).String() = %q: the place changed", in, got)
		}
	}
}

func TestFromError(t *testing.T) {
	plain := errors.New("a.cue:1:2: first\nno position\nb.yml:3: third")
	got := FromError(plain)
	want := List{{Pos: Pos{"a.cue", 1, 2}, Msg: "first"}, {Msg: "no position"}, {Pos: Pos{"b.yml", 3, 0}, Msg: "third"}}
	want[0].Cause = plain
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("FromError(plain) = %+v, want %+v", got, want)
	}
	if !errors.Is(got, plain) {
		t.Error("FromError lost the error behind the lines")
	}
	d := Diagnostic{Pos: Pos{"x.cue", 2, 2}, Msg: "m: with: colons"}
	if got := FromError(fmt.Errorf("ctx: %w", List{d})); len(got) != 1 || got[0].Pos != d.Pos || got[0].Msg != d.Msg {
		t.Errorf("FromError lost a wrapped List: %+v", got)
	}
	if FromError(nil) != nil {
		t.Error("FromError(nil) is not empty")
	}
	var l List
	l.AddErr(nil)
	l.AddErr(List{d})
	l.AddErr(errors.New("plain"))
	if len(l) != 2 || l[0].Pos != d.Pos || l[1].Msg != "plain" {
		t.Errorf("AddErr: %+v", l)
	}
}

func TestCauseIsSeenThroughTheList(t *testing.T) {
	sentinel := errors.New("too large")
	l := List{{Pos: Pos{File: "big.yml"}, Msg: "is 3 MiB", Cause: sentinel}, {Msg: "other"}}
	err := fmt.Errorf("read: %w", l.Err())
	if !errors.Is(err, sentinel) {
		t.Error("errors.Is does not see the cause through the List")
	}
	if strings.Contains(err.Error(), "too large") {
		t.Errorf("the cause is printed: %q", err.Error())
	}
	if got, ok := As(err); !ok || len(got) != 2 {
		t.Errorf("As = %v, %v", got, ok)
	}
	if errors.Is(List{{Msg: "x"}}, sentinel) {
		t.Error("errors.Is matches a List without that cause")
	}
}
