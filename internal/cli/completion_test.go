package cli

import (
	"io"
	"slices"
	"testing"

	"github.com/mongen-dev/mongen/internal/platform"
	"github.com/mongen-dev/mongen/internal/report"
	"github.com/mongen-dev/mongen/internal/semdiff"
)

// TestFlagValues: every completed value is one the command accepts, and
// every flag named has a completion registered on its command.
func TestFlagValues(t *testing.T) {
	root := newRoot(&app{stdout: io.Discard, stderr: io.Discard, cwd: t.TempDir()})
	for name, flags := range flagValues() {
		cmd, _, err := root.Find([]string{name})
		if err != nil || cmd.Name() != name {
			t.Fatalf("command %s: %v", name, err)
		}
		for flag, values := range flags {
			if cmd.Flags().Lookup(flag) == nil {
				t.Errorf("%s has no --%s", name, flag)
			}
			if _, ok := cmd.GetFlagCompletionFunc(flag); !ok {
				t.Errorf("%s --%s: no completion registered", name, flag)
			}
			if len(values) == 0 {
				t.Errorf("%s --%s: no values", name, flag)
			}
			for _, v := range values {
				var err error
				switch {
				case name == "vet" && flag == "format":
					_, err = report.ParseFormat(v)
				case name == "diff" && flag == "format":
					_, err = semdiff.ParseFormat(v)
				case name == "check" && flag == "format":
					if v != string(report.Text) && v != string(report.GitHub) {
						t.Errorf("check --format %s is not accepted", v)
					}
				case flag == "platform":
					if !slices.Contains(platform.Profiles(), v) {
						t.Errorf("%s --platform %s is not a profile", name, v)
					}
				}
				if err != nil {
					t.Errorf("%s --%s %s: %v", name, flag, v, err)
				}
			}
		}
	}
}
