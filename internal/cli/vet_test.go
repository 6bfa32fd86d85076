package cli

import (
	"bytes"
	"os"
	"testing"
)

func TestColorful(t *testing.T) {
	if colorful(&bytes.Buffer{}) {
		t.Error("a buffer is not a terminal")
	}
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	if colorful(devnull) {
		t.Error("/dev/null is a character device but not a terminal")
	}
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		defer tty.Close()
		if !colorful(tty) && os.Getenv("NO_COLOR") == "" {
			t.Error("a terminal without NO_COLOR is colourful")
		}
		t.Setenv("NO_COLOR", "1")
		if colorful(tty) {
			t.Error("NO_COLOR is not honoured")
		}
	}
}

func TestAnchor(t *testing.T) {
	if got := anchor("promql/rate-range"); got != "promqlrate-range" {
		t.Errorf("anchor = %q", got)
	}
}
