package credgate

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
	"golang.org/x/tools/txtar"
)

// trickyStrings are inputs where a one-pass, case-folding prefilter could
// part from strings.Contains over strings.ToLower: runes ToLower maps to
// ASCII (U+212A KELVIN SIGN to k, U+0130 to i), invalid UTF-8 (ToLower
// writes U+FFFD), mixed case, substrings overlapping, repeated, cut by the
// end of the string, or at its very start and end.
var trickyStrings = []string{
	"https://h.example/x?to\u212aen=abcdefgh12345",
	"https://h.example/x?TO\u212aEN=abcdefgh12345",
	"https://h.example/x?api_\u212aey=abcdefgh12345",
	"Authorization: Bearer \u212aabcdefgh12345",
	"pr\u0130vate key -----BEGIN RSA PRIVATE KEY-----abc",
	"-----BEGIN RSA PR\u0130VATE KEY-----abc",
	"x-ap\u0130-key: abcdef123456",
	"https://user:pa\xffss@host.example:9090",
	"\xffhttps://user:pass@host.example",
	"tok\xffen=abcdefgh tok\xe2\x84en=x",
	"\xe2\x84\xaa\xe2\x84",
	"AKIAABCDEFGHIJKLMNOP",
	"akiaABCDEFGHIJKLMNOP",
	"Akia0123456789ABCDEF",
	"SK0123456789abcdef0123456789abcdef",
	"sK0123456789abcdef0123456789abcdef",
	"Sk0123456789abcdef0123456789abcdef",
	"tokentoken=abcdefgh", "ttoken=abcdefgh", "toke", "oken=abc", "@@tcp(host)", "::/x:/", "glpat-glpat-abcdefghijklmnopqrstuv",
	"x?sig=", "https://a", "token=", "12345:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefgh", "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefgh",
	"ghp_abcdefghijklmnopqrstuvwxyz0123456789", "GHP_abcdefghijklmnopqrstuvwxyz0123456789", "Ghp_abcdefghijklmnopqrstuvwxyz0123456789",
	"mysql://root:secret@tcp(db:3306)/x", "user:pw@TCP(db)", "hooks.slack.com/services/T0/B0/xyz", "HOOKS.SLACK.COM/services/T0/B0/xyz",
	"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijkl", "EYJhbGciOiJIUzI1NiJ9.eyJ",
	"ya29.abcdefghijklmnopqrstuvwxyz", "sk_live_abcdefghijklmnop1234", "sk-proj-abcdefghijklmnopqrstuvwxyz",
	"AGE-SECRET-KEY-1", "age-secret-key-1abc", "a\u212a\u212a\u212a\u212a\u212a\u212a\u212a", "\u0130\u0130\u0130\u0130",
	"password=hunter2hunter2", "PASSWORD=hunter2", "Pwd=abcd;", "AccountKey=abcdefgh==",
}

// trickyNames are field names where the allocation-free folding could part
// from norm: separators only, upper case, non-ASCII runes, invalid UTF-8
// (norm writes U+FFFD), and names whose folded forms end or start like
// the names the gate looks for.
var trickyNames = []string{
	"", "_", "-.- _", "password", "Password", "PASSWORD", "pass_word", "auth-Password", "smtp_auth_password",
	"password_file", "bearerTokenSecret", "api_token", "API-TOKEN", "routing_key", "Routing.Key", "service_key",
	"labels", "Labels", "external_labels", "externalLabels", "exp_labels", "labelsx", "http_headers", "HTTP-Headers",
	"headers", "Headers", "httpheaders", "params", "Params", "par_ams", "secrets", "Secrets", "values", "VALUES",
	"Authorization", "X-Api-Key", "Private-Token", "Cookie", "access_token", "code", "sig", "key", "k\u212aey",
	"pass\u212aword", "\u0130d_token", "pässword", "passwörd", "\xffpassword", "password\xff", "\xff", "key\xff",
	"\xe2\x84", "labels\xe2\x84", "\xe2\x84labels", "\ufffd", "to ken", "to.ken", Index, "[]key", "a_very_long_name_that_is_longer_than_sixty_four_bytes_to_leave_the_stack_buffer_password",
}

// trickyValues are string values for Field.
var trickyValues = []string{
	"x", "myteam", "hunter2", "0123456789abcdef0123456789abcdef", "3f2a9c1e-7b4d-4e8a-9c0f-1a2b3c4d5e6f",
	"Ab12Cd34Ef56Gh78Ij90Kl", "https://h.example/x", "https://u:p@h.example/x", "Bearer abcdefgh12345XYZ",
	"/etc/secret/file", "$(TOKEN)", "\xff\xfe", "p\u212assword",
}

// TestFieldMatchesOracle: Field, and the name tests under it, answer as
// the old ones did for every tricky name in every position the rules look
// at, with every tricky value, and for every string value of the shipped
// output at its path.
func TestFieldMatchesOracle(t *testing.T) {
	for _, a := range trickyNames {
		checkNames(t, a, trickyNames)
		for _, b := range trickyNames {
			for _, s := range trickyValues {
				checkField(t, fieldPaths(a, b), s)
			}
		}
	}
	n := 0
	for _, f := range outFiles(t) {
		dec := yaml.NewDecoder(bytes.NewReader(f.data))
		for {
			var doc yaml.Node
			if dec.Decode(&doc) != nil {
				break
			}
			eachScalar(&doc, nil, func(p []string, s string) {
				n++
				checkField(t, [][]string{p}, s)
			})
		}
	}
	if n < 5000 {
		t.Errorf("only %d string values in out/", n)
	}
}

// fieldPaths are the paths the place and label rules read, built around
// names a and b.
func fieldPaths(a, b string) [][]string {
	return [][]string{
		{a}, {a, b}, {b, a}, {a, Index}, {a, Index, b}, {"labels", a}, {a, "labels", b},
		{"x", "http_headers", a, b}, {"headers", a, "values", Index}, {"http_headers", a, "secrets", Index},
		{"params", a, Index}, {a, b, "password"}, {a, b, Index},
	}
}

func checkField(t *testing.T, paths [][]string, s string) {
	t.Helper()
	for _, p := range paths {
		if got, want := Field(p, s), oldField(p, s); got != want {
			t.Fatalf("Field(%q, %q) = %q, the old Field %q", p, s, got, want)
		}
	}
}

// checkNames compares the name tests on name, with targets for normIs and
// normHasSuffix taken from the folded forms of others.
func checkNames(t *testing.T, name string, others []string) {
	t.Helper()
	want := oldNorm(name)
	if got := norm(name); got != want {
		t.Fatalf("norm(%q) = %q, the old norm %q", name, got, want)
	}
	if got := string(appendNorm([]byte("pre"), name)); got != "pre"+want {
		t.Fatalf("appendNorm(%q) = %q, want %q", name, got, "pre"+want)
	}
	if got, old := Key(name), oldKey(name); got != old {
		t.Fatalf("Key(%q) = %v, the old Key %v", name, got, old)
	}
	if got, old := TokenParam(name), oldTokenParam(name); got != old {
		t.Fatalf("TokenParam(%q) = %v, the old TokenParam %v", name, got, old)
	}
	if got, old := headerCredential(name), oldHeaderCredential(name); got != old {
		t.Fatalf("headerCredential(%q) = %v, the old one %v", name, got, old)
	}
	for _, o := range others {
		target := oldNorm(o)
		if !isASCII(target) {
			continue // normIs and normHasSuffix take folded ASCII
		}
		if got := normIs(name, target); got != (want == target) {
			t.Fatalf("normIs(%q, %q) = %v, norm gives %q", name, target, got, want)
		}
		for i := range len(target) + 1 {
			if got := normHasSuffix(name, target[i:]); got != strings.HasSuffix(want, target[i:]) {
				t.Fatalf("normHasSuffix(%q, %q) = %v, norm gives %q", name, target[i:], got, want)
			}
		}
	}
}

// eachScalar calls f with every string scalar of a YAML tree and its path,
// as the walker builds it.
func eachScalar(n *yaml.Node, p []string, f func([]string, string)) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			eachScalar(c, p, f)
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			eachScalar(c, append(p[:len(p):len(p)], Index), f)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			eachScalar(n.Content[i+1], append(p[:len(p):len(p)], n.Content[i].Value), f)
		}
	case yaml.ScalarNode:
		if n.ShortTag() == "!!str" {
			f(p, n.Value)
		}
	}
}

// checkFile compares every scan of one file with the old gate's and
// returns File's findings.
func checkFile(t *testing.T, name string, data []byte) []Finding {
	t.Helper()
	got, want := File(name, data), oldFile(name, data)
	if !slices.Equal(got, want) {
		t.Fatalf("%s: File = %v, the old File %v", name, got, want)
	}
	if got, want := Text(name, data), oldText(name, data); !slices.Equal(got, want) {
		t.Fatalf("%s: Text = %v, the old Text %v", name, got, want)
	}
	gotY, errY := YAML(name, data, 3)
	wantY, wantErrY := oldYAML(name, data, 3)
	if !slices.Equal(gotY, wantY) || fmt.Sprint(errY) != fmt.Sprint(wantErrY) {
		t.Fatalf("%s: YAML = %v, %v, the old YAML %v, %v", name, gotY, errY, wantY, wantErrY)
	}
	gotJ, errJ := JSON(name, data, 0)
	wantJ, wantErrJ := oldJSON(name, data, 0)
	if !slices.Equal(gotJ, wantJ) || fmt.Sprint(errJ) != fmt.Sprint(wantErrJ) {
		t.Fatalf("%s: JSON = %v, %v, the old JSON %v, %v", name, gotJ, errJ, wantJ, wantErrJ)
	}
	gotH, errH := Holds(data)
	wantH, wantErrH := oldHolds(data)
	if gotH != wantH || fmt.Sprint(errH) != fmt.Sprint(wantErrH) {
		t.Fatalf("%s: Holds = %v, %v, the old Holds %v, %v", name, gotH, errH, wantH, wantErrH)
	}
	return got
}

// TestFileMatchesOracle: File, Text, YAML, JSON and Holds answer as the
// old gate did on every file of out/, the corpus and the clean values;
// and on every out/ file with a credential put in, which both find.
func TestFileMatchesOracle(t *testing.T) {
	for _, name := range []string{"testdata/corpus.txtar", "testdata/clean.txtar"} {
		a, err := txtar.ParseFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range a.Files {
			checkFile(t, f.Name, f.Data)
		}
	}
	const token = "ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
	for i, f := range outFiles(t) {
		if fs := checkFile(t, f.name, f.data); len(fs) != 0 {
			t.Fatalf("%s: false positive %v", f.name, fs)
		}
		// A token put at the end of a line (a different line per file)
		// is found on that line, as text.
		lines := bytes.Split(f.data, []byte("\n"))
		at := (i * 7919) % len(lines)
		mutated := slices.Clone(lines)
		mutated[at] = append(slices.Clone(lines[at]), " "+token...)
		fs := checkFile(t, f.name, bytes.Join(mutated, []byte("\n")))
		if !slices.ContainsFunc(fs, func(fd Finding) bool { return lineOf(fd.Pos) == at+1 }) {
			t.Errorf("%s: a token on line %d is not found: %v", f.name, at+1, fs)
		}
		// A password field added as a document of its own is found
		// structurally.
		var doc string
		switch {
		case strings.HasSuffix(f.name, ".json"):
			doc = "\n{\"smtp\": {\"auth_password\": \"hunter2\"}}\n"
		default:
			doc = "\n---\nsmtp:\n  auth_password: hunter2\n"
		}
		fs = checkFile(t, f.name, append(slices.Clone(f.data), doc...))
		if !slices.ContainsFunc(fs, func(fd Finding) bool { return fd.Field == "smtp.auth_password" }) {
			t.Errorf("%s: an added password field is not found: %v", f.name, fs)
		}
	}
}

// FuzzShapeEquivalence: on any string, the one-pass candidate set is the
// old one, and Shape, lineShape and Text answer as the old ones did.
func FuzzShapeEquivalence(f *testing.F) {
	for _, s := range trickyStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := prefilter(s).bits, oldCandidates(s); got != want {
			t.Fatalf("candidate set %b, the old prefilter's %b", got, want)
		}
		want := oldShape(s)
		if got := Shape(s); got != want {
			t.Fatalf("Shape = %q, the old Shape %q", got, want)
		}
		if got := lineShape([]byte(s)); got != want {
			t.Fatalf("lineShape = %q, the old Shape %q", got, want)
		}
		if got, want := Text("f", []byte(s)), oldText("f", []byte(s)); !slices.Equal(got, want) {
			t.Fatalf("Text = %v, the old Text %v", got, want)
		}
	})
}

// FuzzFieldEquivalence: on any names and value, the name tests and Field
// answer as the old ones did.
func FuzzFieldEquivalence(f *testing.F) {
	for i, a := range trickyNames {
		f.Add(a, trickyNames[(i*7+3)%len(trickyNames)], trickyValues[i%len(trickyValues)])
	}
	f.Fuzz(func(t *testing.T, a, b, s string) {
		checkNames(t, a, append(slices.Clone(trickyNames), b))
		checkNames(t, b, []string{a})
		checkField(t, fieldPaths(a, b), s)
	})
}

// FuzzFileEquivalence: on any file, as YAML and as JSON, every scan answers
// as the old gate's did.
func FuzzFileEquivalence(f *testing.F) {
	a, err := txtar.ParseFile("testdata/corpus.txtar")
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range a.Files {
		f.Add(file.Data)
	}
	for _, s := range trickyStrings {
		f.Add([]byte("a:\n  b: " + s + "\n"))
		f.Add([]byte(`{"x": ["` + s + `"]}`))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFile(t, "f.yaml", data)
		checkFile(t, "f.json", data)
	})
}
