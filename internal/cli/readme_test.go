package cli

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeFirstScreen: the commands of README.md's "Get started" (after
// go install, which needs the network) are the ones readme.txtar runs, in
// that order, so the user's path the README gives is the one tested.
func TestReadmeFirstScreen(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "## Get started\n")
	if !ok {
		t.Fatal("README.md has no \"Get started\" section")
	}
	_, block, ok := strings.Cut(rest, "```sh\n")
	if ok {
		block, _, ok = strings.Cut(block, "```")
	}
	if !ok {
		t.Fatal("README.md's Get started has no sh block")
	}
	var want []string
	for _, line := range strings.Split(block, "\n") {
		cmd, _, _ := strings.Cut(line, "#")
		for _, c := range strings.Split(cmd, "&&") {
			c = strings.Join(strings.Fields(c), " ")
			switch {
			case c == "", strings.HasPrefix(c, "go install "):
			case strings.HasPrefix(c, "mongen "):
				want = append(want, "exec "+c)
			case strings.HasPrefix(c, "git commit -m "):
				want = append(want, "gogit commit "+strings.TrimPrefix(c, "git commit -m "))
			case strings.HasPrefix(c, "git "):
				want = append(want, "go"+c)
			default:
				want = append(want, c)
			}
		}
	}
	if len(want) < 3 {
		t.Fatalf("README.md's first screen has %d commands: %q", len(want), want)
	}
	script, err := os.ReadFile("testdata/script/readme.txtar")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, line := range strings.Split(string(script), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "stdout ") && !strings.HasPrefix(line, "stderr ") {
			got = append(got, line)
		}
	}
	// In order; a command of the script may add flags after the README's.
	i := 0
	for _, g := range got {
		if i < len(want) && (g == want[i] || strings.HasPrefix(g, want[i]+" ")) {
			i++
		}
	}
	if i < len(want) {
		t.Errorf("readme.txtar does not run README.md's command %q (in order); README's commands: %q", want[i], want)
	}
}
