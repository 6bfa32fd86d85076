package benchenv_test

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"syscall"
	"testing"
	"time"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	cueload "cuelang.org/go/cue/load"

	"github.com/mongen-dev/mongen/internal/benchenv"
	"github.com/mongen-dev/mongen/internal/cli"
	"github.com/mongen-dev/mongen/internal/inputcache"
	"github.com/mongen-dev/mongen/internal/load"
)

// The benchmarks run each command in a child process (this test binary,
// re-executed), so that wall time, CPU time and peak RSS are each
// command's own. Every iteration runs the reference first, then the
// command, and the ratios of their sums are reported:
//
//	go test ./internal/benchenv -run '^$' -bench . -benchtime 1x -count 3
//
// wall-x-cue and cpu-x-cue are the command's wall and CPU (user+sys) time
// over those of the reference, peak-MB its peak RSS, cue-peak-MB the
// reference's.
const childEnv = "MONGEN_BENCHENV_CHILD"

// childProfileEnv, when set to a path, makes every measured mongen child
// write its CPU profile there (the last one stays), to see what a whole
// process spends beyond what the in-process benchmarks show: start-up,
// reading the caches, the write.
const childProfileEnv = "MONGEN_BENCHENV_PROFILE"

func startProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

func TestMain(m *testing.M) {
	if mode := os.Getenv(childEnv); mode != "" {
		os.Exit(child(mode, os.Args[len(os.Args)-1]))
	}
	os.Exit(m.Run())
}

// child runs one measured command in the current directory: "cue" is the
// reference, what `cue export -e env ./environments/big` does (load,
// evaluate, validate concrete, marshal); "mongen" runs the CLI on the
// JSON-encoded arguments.
func child(mode, arg string) int {
	switch mode {
	case "cue":
		if err := cueExport("./environments/" + benchenv.Name); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return 0
	case "mongen":
		if path := os.Getenv(childProfileEnv); path != "" {
			stop, err := startProfile(path)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			defer stop()
		}
		var args []string
		if err := json.Unmarshal([]byte(arg), &args); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return cli.Main(args, io.Discard, os.Stderr)
	}
	fmt.Fprintln(os.Stderr, "unknown child mode", mode)
	return 1
}

func cueExport(dir string) error {
	insts := cueload.Instances([]string{dir}, &cueload.Config{})
	if err := insts[0].Err; err != nil {
		return err
	}
	v := cuecontext.New().BuildInstance(insts[0]).LookupPath(cue.ParsePath("env"))
	if err := v.Validate(cue.Concrete(true)); err != nil {
		return err
	}
	data, err := json.MarshalIndent(v, "", "    ")
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(data)
	return err
}

// usage is one child's cost.
type usage struct {
	wall, cpu time.Duration
	peakKB    int64
}

func (u *usage) add(o usage) {
	u.wall += o.wall
	u.cpu += o.cpu
	u.peakKB = max(u.peakKB, o.peakKB)
}

func runChild(b *testing.B, dir, mode string, args ...string) usage {
	b.Helper()
	enc, err := json.Marshal(args)
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$", string(enc))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), childEnv+"="+mode)
	cmd.Stdout = io.Discard
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	if err != nil {
		b.Fatalf("%s %s: %v\n%s", mode, strings.Join(args, " "), err, stderr.String())
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return usage{wall: wall, cpu: cpu, peakKB: ru.Maxrss}
}

// measure runs prepare (not measured), the reference and the command once
// per iteration and reports the ratios.
func measure(b *testing.B, dir string, prepare func(i int), args ...string) {
	b.Helper()
	var ref, cmd usage
	i := 0
	for b.Loop() {
		if prepare != nil {
			prepare(i)
		}
		i++
		ref.add(runChild(b, dir, "cue"))
		cmd.add(runChild(b, dir, "mongen", args...))
	}
	b.ReportMetric(cmd.wall.Seconds()/ref.wall.Seconds(), "wall-x-cue")
	b.ReportMetric(cmd.cpu.Seconds()/ref.cpu.Seconds(), "cpu-x-cue")
	b.ReportMetric(cmd.wall.Seconds()/float64(i), "wall-s")
	b.ReportMetric(ref.wall.Seconds()/float64(i), "cue-wall-s")
	b.ReportMetric(float64(cmd.peakKB)/1024, "peak-MB")
	b.ReportMetric(float64(ref.peakKB)/1024, "cue-peak-MB")
}

// largeEnvironment writes the large environment and mongen's CUE module
// into a new directory.
func largeEnvironment(b *testing.B) string {
	b.Helper()
	src, err := load.FindRoot(".")
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	if err := benchenv.Write(dir, src, benchenv.Large()); err != nil {
		b.Fatal(err)
	}
	return dir
}

// repository writes the large environment into a new git repository with
// one commit, and points the input cache at a directory of its own.
func repository(b *testing.B) string {
	b.Helper()
	dir := largeEnvironment(b)
	git(b, dir, "init", "-q", "-b", "main")
	git(b, dir, "add", ".")
	git(b, dir, "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "large environment")
	b.Setenv(inputcache.DirEnv, b.TempDir())
	return dir
}

func git(b *testing.B, dir string, args ...string) {
	b.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		b.Skip("git is not installed")
	}
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// editOneRule sets the first rule's threshold to a value that differs from
// the one before (5, 6, 5, ...), as a user tuning one alert does.
func editOneRule(b *testing.B, dir string, i int) {
	b.Helper()
	file, line := benchenv.FirstRule()
	path := filepath.Join(dir, "environments", benchenv.Name, file)
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	from, to := line, strings.Replace(line, "5", "6", 1)
	if i%2 == 1 {
		from, to = to, from
	}
	edited := strings.Replace(string(data), from, to, 1)
	if edited == string(data) {
		b.Fatalf("%s: the first rule's threshold line %q is not there", file, from)
	}
	if err := os.WriteFile(path, []byte(edited), 0o644); err != nil {
		b.Fatal(err)
	}
}

func mongen(b *testing.B, dir string, args ...string) {
	b.Helper()
	runChild(b, dir, "mongen", args...)
}

// BenchmarkLargeBuildCold: `mongen build big` with no output and no cache.
func BenchmarkLargeBuildCold(b *testing.B) {
	dir := repository(b)
	measure(b, dir, func(int) {
		if err := os.RemoveAll(filepath.Join(dir, "out")); err != nil {
			b.Fatal(err)
		}
	}, "build", "--no-cache", benchenv.Name)
}

// BenchmarkLargeRebuildOneRule: `mongen build big` after one rule's
// threshold changed, with out/ and the caches from the build before.
func BenchmarkLargeRebuildOneRule(b *testing.B) {
	dir := repository(b)
	mongen(b, dir, "build", benchenv.Name)
	measure(b, dir, func(i int) { editOneRule(b, dir, i) }, "build", benchenv.Name)
}

// BenchmarkLargeVet: `mongen vet big`.
func BenchmarkLargeVet(b *testing.B) {
	dir := repository(b)
	measure(b, dir, nil, "vet", benchenv.Name)
}

// BenchmarkLargeCheck: `mongen check big` of a built environment without
// rule tests, as CI runs it on a pull request that changed one rule (so
// the input cache does not answer).
func BenchmarkLargeCheck(b *testing.B) {
	dir := repository(b)
	mongen(b, dir, "build", benchenv.Name)
	measure(b, dir, func(i int) {
		editOneRule(b, dir, i)
		mongen(b, dir, "build", benchenv.Name)
	}, "check", benchenv.Name)
}

// BenchmarkLargeDiffOneRule: `mongen diff --base HEAD big` with one rule
// changed in the working tree.
func BenchmarkLargeDiffOneRule(b *testing.B) {
	dir := repository(b)
	editOneRule(b, dir, 0)
	measure(b, dir, nil, "diff", "--base", "HEAD", benchenv.Name)
}
