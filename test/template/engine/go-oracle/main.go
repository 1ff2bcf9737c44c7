// Command go-oracle renders template cases with Go's text/template (no sprig) and prints each case
// with Go's result, as the fixtures of duat's engine tests store them:
//
//	go run . < cases.jsonl > ../fixtures/go-oracle-cases.jsonl
//
// A case is {"name","template","extra"?,"data","delims"?,"missingkey"?,"exec"?}; "extra" texts are
// parsed into the same set after "template", "exec" names the template to execute. The output
// line adds "output" and "error" (null or Go's err.Error()). The functions below have twins in
// ../oracle-funcs.ts with the same Go signatures.
package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/template"
	"unicode/utf8"
)

type request struct {
	// Name and the fields below are echoed in the response.
	Name       string          `json:"name"`
	Template   string          `json:"template"`
	Extra      []string        `json:"extra,omitempty"`
	Data       json.RawMessage `json:"data"`
	Delims     []string        `json:"delims,omitempty"`
	MissingKey string          `json:"missingkey,omitempty"`
	Exec       string          `json:"exec,omitempty"`
}

type response struct {
	request
	Output      *string `json:"output"`
	InvalidUTF8 bool    `json:"invalidUTF8,omitempty"`
	// OutputBase64 holds the exact bytes when they are not valid UTF-8.
	OutputBase64 string  `json:"outputBase64,omitempty"`
	Error        *string `json:"error"`
}

type Obj struct {
	Name  string
	Count int
	Inner *Obj
	Any   interface{}
	M     map[string]string
	F     func(string) string
}

func (o *Obj) Greet(s string) string { return "hi " + s + " from " + o.Name }
func (o *Obj) Twice(n int) int       { return 2 * n }
func (o *Obj) Fail() (string, error) { return "", errors.New("method failed") }
func (o *Obj) Nothing() interface{}  { return nil }
func (o *Obj) Self() *Obj            { return o }
func (o *Obj) Vari(a string, b ...int) string {
	return fmt.Sprint(a, b)
}

type Str struct{ V string }

func (s Str) String() string { return "Str(" + s.V + ")" }

func testFuncs() template.FuncMap {
	return template.FuncMap{
		"toInt": func(f float64) int { return int(f) },
		"i64":   func(i int) int64 { return int64(i) },
		"u64":   func(i int) uint64 { return uint64(i) },
		"u8":    func(i int) uint8 { return uint8(i) },
		"i8":    func(i int) int8 { return int8(i) },
		"f32":   func(f float64) float32 { return float32(f) },
		"strs":  func(s ...string) []string { return s },
		"ints":  func(s ...int) []int { return s },
		"smap": func(kv ...string) map[string]string {
			m := map[string]string{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[kv[i]] = kv[i+1]
			}
			return m
		},
		"nilf":   func() interface{} { return nil },
		"errf":   func(s string) (string, error) { return "", errors.New(s) },
		"panicf": func(s string) string { panic(s) },
		"panice": func(s string) string { panic(errors.New(s)) },
		"obj": func(name string) *Obj {
			return &Obj{Name: name, Count: 3, Inner: &Obj{Name: "inner"}, M: map[string]string{"k": "v"}, F: strings.ToUpper}
		},
		"nilobj": func() *Obj { return nil },
		"bytes":  func(s string) []byte { return []byte(s) },
		"str":    func(s string) Str { return Str{s} },
		"upperf": func() func(string) string { return strings.ToUpper },
		"addf":   func(a, b float64) float64 { return a + b },
		"addi":   func(a, b int) int { return a + b },
		"addu":   func(a, b uint) uint { return a + b },
		"cat":    func(a string, rest ...interface{}) string { return a + fmt.Sprint(rest...) },
		"two":    func(a, b string) string { return a + b },
		"anyf":   func(a interface{}) string { return fmt.Sprintf("%T:%v", a, a) },
		"nilmap": func() map[string]string { return nil },
		"cplx":   func(c complex128) complex128 { return c * 2 },
		"boolf":  func(b bool) bool { return !b },
		"u8f":    func(b uint8) uint8 { return b + 1 },
	}
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<28)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for in.Scan() {
		line := bytes.TrimSpace(in.Bytes())
		if len(line) == 0 {
			continue
		}
		var req request
		if err := json.Unmarshal(line, &req); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		enc.Encode(runCase(req))
	}
}

func runCase(req request) (res response) {
	res.request = req
	if len(res.Data) == 0 {
		res.Data = json.RawMessage("null")
	}
	defer func() {
		if r := recover(); r != nil {
			s := fmt.Sprintf("PANIC: %v", r)
			res.Error = &s
		}
	}()
	var data interface{}
	if len(req.Data) > 0 {
		if err := json.Unmarshal(req.Data, &data); err != nil {
			s := "bad data: " + err.Error()
			res.Error = &s
			return
		}
	}
	t := template.New(req.Name)
	t.Funcs(testFuncs())
	if len(req.Delims) == 2 {
		t.Delims(req.Delims[0], req.Delims[1])
	}
	if req.MissingKey != "" {
		t.Option("missingkey=" + req.MissingKey)
	}
	empty := ""
	res.Output = &empty
	if _, err := t.Parse(req.Template); err != nil {
		s := err.Error()
		res.Error = &s
		return
	}
	for _, x := range req.Extra {
		if _, err := t.Parse(x); err != nil {
			s := err.Error()
			res.Error = &s
			return
		}
	}
	var buf bytes.Buffer
	var err error
	if req.Exec != "" {
		err = t.ExecuteTemplate(&buf, req.Exec, data)
	} else {
		err = t.Execute(&buf, data)
	}
	// Invalid UTF-8 (a byte slice of a string) cannot be held by JSON: encoding/json writes U+FFFD
	// for each bad byte, so the exact bytes are given in base64 as well.
	out := buf.String()
	res.Output = &out
	res.InvalidUTF8 = !utf8.ValidString(out)
	if res.InvalidUTF8 {
		res.OutputBase64 = base64.StdEncoding.EncodeToString(buf.Bytes())
	}
	if err != nil {
		s := err.Error()
		res.Error = &s
		if strings.Contains(s, "exceeded maximum template depth") {
			// ~100000 levels of output: duat's engine stops sooner (JS stack), so it is not compared.
			res.Output = nil
		}
	}
	return
}
