package ruletest

import (
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"time"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Cases     []junitCase `xml:"testcase"`
	SystemOut string      `xml:"system-out,omitempty"`
}

type junitCase struct {
	Name      string         `xml:"name,attr"`
	Classname string         `xml:"classname,attr"`
	File      string         `xml:"file,attr,omitempty"`
	Time      string         `xml:"time,attr"`
	Failures  []junitFailure `xml:"failure"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes results as JUnit XML: one test suite per environment,
// one test case per test (named by its ID), one failure element per failed
// check; the summary line, with the rules that have no test, goes to the
// suite's system-out.
func WriteJUnit(w io.Writer, results []*Result) error {
	doc := junitSuites{}
	var total time.Duration
	for _, r := range results {
		s := junitSuite{Name: r.Env, Tests: len(r.Tests), Failures: r.Failed(), Skipped: r.Skipped, SystemOut: r.Summary()}
		var d time.Duration
		for _, t := range r.Tests {
			c := junitCase{Name: t.ID, Classname: r.Env, File: file(t.Origin), Time: seconds(t.Duration)}
			for _, f := range t.Failures {
				c.Failures = append(c.Failures, junitFailure{Message: f.Message, Text: f.String()})
			}
			s.Cases = append(s.Cases, c)
			d += t.Duration
		}
		s.Time = seconds(d)
		total += d
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Suites = append(doc.Suites, s)
	}
	doc.Time = seconds(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// file is the file part of a file:line:col position.
func file(pos string) string {
	parts := strings.Split(pos, ":")
	if len(parts) >= 3 {
		return strings.Join(parts[:len(parts)-2], ":")
	}
	return pos
}

func seconds(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 3, 64) }
