// Package jsonscan reads JSON in place, without decoding it into Go values
// first, and answers as encoding/json does: the same documents are valid
// (json.Valid), strings decode to the same text (escapes, surrogate pairs,
// U+FFFD for invalid UTF-8). Valid and Scanner accept numbers as
// json.Valid does; FitsFloat64 tells which of them json.Unmarshal into
// any refuses (out of float64's range).
//
// Scanner walks a document token by token and checks its grammar as it
// goes; the Skip functions find the ends of values in bytes already
// checked, to take them apart again without checking them again.
package jsonscan

import (
	"bytes"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxDepth is how deep encoding/json lets objects and arrays nest.
const MaxDepth = 10000

// Kind is the kind of the value at a Scanner's cursor, by its first byte.
type Kind byte

const (
	// Invalid is no value: the end of the input, a byte no value starts
	// with, or a scanner that found an error.
	Invalid Kind = iota
	Object
	Array
	String
	Number
	// Literal is true, false or null.
	Literal
)

// kinds is the Kind of a value by its first byte.
var kinds = func() (k [256]Kind) {
	k['{'], k['['], k['"'], k['-'] = Object, Array, String, Number
	for c := '0'; c <= '9'; c++ {
		k[c] = Number
	}
	k['t'], k['f'], k['n'] = Literal, Literal, Literal
	return k
}()

// Scanner reads one JSON document. Its methods check the grammar of what
// they read; after the first error each of them reads nothing, Kind is
// Invalid and Valid is false. A caller walks a value by its Kind: an
// object by BeginObject and NextKey until false, a value after each key;
// an array by BeginArray and NextElem until false, a value after each;
// a string by String; a number by Number; anything by Skip.
type Scanner struct {
	data  []byte
	i     int
	depth int
	bad   bool
	// first is set between opening an object or array and its first
	// member or element: the one not preceded by a comma.
	first bool
}

// Reset starts reading data.
func (s *Scanner) Reset(data []byte) {
	*s = Scanner{data: data}
}

// fail marks the document invalid and moves the cursor to its end, where
// every method reads nothing.
func (s *Scanner) fail() {
	s.bad, s.i = true, len(s.data)
}

func (s *Scanner) space() { s.i = SkipSpace(s.data, s.i) }

// Kind is the kind of the value at the cursor, after any white space.
func (s *Scanner) Kind() Kind {
	s.space()
	if s.i >= len(s.data) {
		return Invalid
	}
	return kinds[s.data[s.i]]
}

// Offset is the cursor's index in the data: after Kind, where the value
// there starts; after reading a value, where it ends.
func (s *Scanner) Offset() int { return s.i }

// Valid reports whether what was read is valid so far and, once the
// cursor is at the document's end, whether the document is: white space
// is all that may follow its value.
func (s *Scanner) Valid() bool {
	s.space()
	return !s.bad && s.i == len(s.data) && s.depth == 0
}

// begin opens an object or array at the cursor.
func (s *Scanner) begin(open byte) bool {
	if s.Kind() == Invalid || s.data[s.i] != open {
		s.fail()
		return false
	}
	s.i++
	if s.depth++; s.depth > MaxDepth {
		s.fail()
		return false
	}
	s.first = true
	return true
}

// next moves past the comma before an object's member or an array's
// element; false at the closing byte, which it consumes.
func (s *Scanner) next(close byte) bool {
	s.space()
	if s.i >= len(s.data) {
		s.fail()
		return false
	}
	if s.data[s.i] == close {
		s.i++
		s.depth--
		// The object or array closed is its parent's member or
		// element: the parent is past its first.
		s.first = false
		return false
	}
	if s.first {
		s.first = false
		return true
	}
	if s.data[s.i] != ',' {
		s.fail()
		return false
	}
	s.i++
	return true
}

// BeginObject opens the object at the cursor.
func (s *Scanner) BeginObject() bool { return s.begin('{') }

// NextKey reads the next member's key, decoded, and the colon after it;
// false when the object ends (its closing brace is read) or is invalid.
func (s *Scanner) NextKey() (string, bool) { return s.nextKey(true) }

// nextKey is NextKey; without decode the key is checked, not decoded (its
// text is ""), for Skip, which has no use for it.
func (s *Scanner) nextKey(decode bool) (string, bool) {
	if !s.next('}') {
		return "", false
	}
	if s.Kind() != String {
		s.fail()
		return "", false
	}
	var k string
	if decode {
		k = s.String()
	} else {
		s.skipString()
	}
	s.space()
	if s.i >= len(s.data) || s.data[s.i] != ':' {
		s.fail()
		return "", false
	}
	s.i++
	return k, !s.bad
}

// BeginArray opens the array at the cursor.
func (s *Scanner) BeginArray() bool { return s.begin('[') }

// NextElem moves to the next element; false when the array ends (its
// closing bracket is read) or is invalid.
func (s *Scanner) NextElem() bool { return s.next(']') }

// String reads the string at the cursor and returns it decoded as
// encoding/json decodes it.
func (s *Scanner) String() string {
	if s.Kind() != String {
		s.fail()
		return ""
	}
	str, end := unquoteAt(s.data, s.i)
	if end < 0 {
		s.fail()
		return ""
	}
	s.i = end
	return str
}

// Number reads the number at the cursor and returns its bytes.
func (s *Scanner) Number() []byte {
	if s.Kind() != Number {
		s.fail()
		return nil
	}
	start := s.i
	end := numberEnd(s.data, start)
	if end < 0 {
		s.fail()
		return nil
	}
	s.i = end
	return s.data[start:end]
}

// Skip reads the value at the cursor, whatever it is.
func (s *Scanner) Skip() {
	switch s.Kind() {
	case Object:
		if s.BeginObject() {
			for _, ok := s.nextKey(false); ok; _, ok = s.nextKey(false) {
				s.Skip()
			}
		}
	case Array:
		if s.BeginArray() {
			for s.NextElem() {
				s.Skip()
			}
		}
	case String:
		s.skipString()
	case Number:
		s.Number()
	case Literal:
		rest := s.data[s.i:]
		for _, lit := range [...]string{"true", "false", "null"} {
			if len(rest) >= len(lit) && string(rest[:len(lit)]) == lit {
				s.i += len(lit)
				return
			}
		}
		s.fail()
	default:
		s.fail()
	}
}

// skipString reads the string at the cursor without decoding it.
func (s *Scanner) skipString() {
	if end, _ := stringEnd(s.data, s.i); end >= 0 {
		s.i = end
	} else {
		s.fail()
	}
}

// Valid reports whether data is one valid JSON document, as json.Valid
// does.
func Valid(data []byte) bool {
	var s Scanner
	s.Reset(data)
	s.Skip()
	return s.Valid()
}

// plainByte is, by byte, whether it stands for itself inside a string:
// ASCII, not a control character, quote or backslash.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// stringEnd checks the string literal that starts at data[i] and returns
// the index after its closing quote, or -1 when it is not valid; plain
// reports a string that decodes to its bytes as they are (ASCII without
// escapes).
func stringEnd(data []byte, i int) (end int, plain bool) {
	plain = true
	for i++; i < len(data); i++ {
		for i < len(data) && plainByte[data[i]] {
			i++
		}
		if i == len(data) {
			break
		}
		switch c := data[i]; {
		case c == '"':
			return i + 1, plain
		case c < 0x20:
			return -1, false
		case c == '\\':
			plain = false
			if i+1 >= len(data) {
				return -1, false
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				if i+5 >= len(data) {
					return -1, false
				}
				for _, h := range data[i+2 : i+6] {
					if unhex(h) < 0 {
						return -1, false
					}
				}
				i += 5
			default:
				return -1, false
			}
		case c >= utf8.RuneSelf:
			plain = false
		}
	}
	return -1, false
}

// numberEnd checks the number that starts at data[i] and returns the
// index after it, or -1 when it is not valid.
func numberEnd(data []byte, i int) int {
	digits := func(i int) int {
		for i < len(data) && data[i] >= '0' && data[i] <= '9' {
			i++
		}
		return i
	}
	if data[i] == '-' {
		i++
	}
	switch {
	case i >= len(data) || data[i] < '0' || data[i] > '9':
		return -1
	case data[i] == '0':
		i++
	default:
		i = digits(i)
	}
	if i < len(data) && data[i] == '.' {
		j := digits(i + 1)
		if j == i+1 {
			return -1
		}
		i = j
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		j := digits(i)
		if j == i {
			return -1
		}
		i = j
	}
	return i
}

func unhex(c byte) rune {
	switch {
	case '0' <= c && c <= '9':
		return rune(c - '0')
	case 'a' <= c && c <= 'f':
		return rune(c - 'a' + 10)
	case 'A' <= c && c <= 'F':
		return rune(c - 'A' + 10)
	}
	return -1
}

// u4 is the code unit of a \uXXXX escape at the start of s, or -1.
func u4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range s[2:6] {
		h := unhex(c)
		if h < 0 {
			return -1
		}
		r = r<<4 | h
	}
	return r
}

// decode is the text of a valid string literal's inside, s, as
// encoding/json's unquote makes it: valid UTF-8 as it is, every byte of
// invalid UTF-8 as U+FFFD, a surrogate pair as its rune and any other
// surrogate as U+FFFD.
func decode(s []byte) string {
	if bytes.IndexByte(s, '\\') < 0 && utf8.Valid(s) {
		return string(s)
	}
	b := make([]byte, 0, len(s)+utf8.UTFMax)
	for r := 0; r < len(s); {
		c := s[r]
		switch {
		case c == '\\':
			switch e := s[r+1]; e {
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				rr := u4(s[r:])
				r += 6
				if utf16.IsSurrogate(rr) {
					if dec := utf16.DecodeRune(rr, u4(s[r:])); dec != utf8.RuneError {
						b = utf8.AppendRune(b, dec)
						r += 6
						continue
					}
					rr = utf8.RuneError
				}
				b = utf8.AppendRune(b, rr)
				continue
			default: // " \ /
				b = append(b, e)
			}
			r += 2
		case c < utf8.RuneSelf:
			b = append(b, c)
			r++
		default:
			rr, size := utf8.DecodeRune(s[r:])
			b = utf8.AppendRune(b, rr)
			r += size
		}
	}
	return string(b)
}

// Unquote is the text a JSON string literal (its quotes included)
// decodes to, as json.Unmarshal into a string gives it; ok is false when
// lit is not one valid string literal.
func Unquote(lit []byte) (string, bool) {
	if len(lit) == 0 || lit[0] != '"' {
		return "", false
	}
	s, end := unquoteAt(lit, 0)
	if end != len(lit) {
		return "", false
	}
	return s, true
}

// unquoteAt decodes the string literal that starts at data[i] and returns
// its text and the index after its closing quote; end is -1, and the text
// empty, when it is not valid.
func unquoteAt(data []byte, i int) (s string, end int) {
	end, plain := stringEnd(data, i)
	switch {
	case end < 0:
		return "", -1
	case plain:
		return string(data[i+1 : end-1]), end
	}
	return decode(data[i+1 : end-1]), end
}

// FitsFloat64 reports whether a valid JSON number is one json.Unmarshal
// into any takes: one within float64's range.
func FitsFloat64(num []byte) bool {
	// Only an exponent or more than 300 digits can leave the range:
	// the largest float64 has 309 digits.
	if len(num) <= 300 && !bytes.ContainsAny(num, "eE") {
		return true
	}
	_, err := strconv.ParseFloat(string(num), 64)
	return err == nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// SkipSpace returns the index of the first byte at or after i that is
// not JSON white space.
func SkipSpace(data []byte, i int) int {
	for i < len(data) && isSpace(data[i]) {
		i++
	}
	return i
}

// SkipString returns the end of the string literal that starts at
// data[i], in bytes already checked (unchecked bytes may give any
// index up to len(data)).
func SkipString(data []byte, i int) int {
	for i++; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(data)
}

// SkipValue returns the end of the value that starts at data[i], in
// bytes already checked.
func SkipValue(data []byte, i int) int {
	switch data[i] {
	case '"':
		return SkipString(data, i)
	case '{', '[':
		depth := 0
		for ; i < len(data); i++ {
			switch data[i] {
			case '"':
				i = SkipString(data, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
		return len(data)
	}
	for i < len(data) && !isSpace(data[i]) && data[i] != ',' && data[i] != '}' && data[i] != ']' {
		i++
	}
	return i
}
