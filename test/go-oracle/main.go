// Command oracle renders templates with Go's text/template and sprig v3.3.0 (the pair Helm uses),
// so that duat's TypeScript engine can be compared byte for byte with the real thing.
//
//	oracle run      [-timeout 10s] JSON lines on stdin, one result line per case on stdout
//	oracle bench    -template FILE -data FILE [-n N] [-name NAME]: median execute time
//
// A case is {"name","template","data","env"?,"delims"?,"missingkey"?}; its result is
// {"name","output","error"} where error is null or Go's err.Error(). When the output or the error is
// not valid UTF-8 (JSON would replace the bad bytes), "outputBase64" or "errorBase64" carries the
// exact bytes as well.
package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"text/template"
	"time"
	"unicode/utf8"

	"github.com/Masterminds/sprig/v3"
)

type request struct {
	Name       string            `json:"name"`
	Template   string            `json:"template"`
	Data       json.RawMessage   `json:"data"`
	Env        map[string]string `json:"env"`
	Delims     []string          `json:"delims"`
	MissingKey string            `json:"missingkey"`
}

type response struct {
	Name         string  `json:"name"`
	Output       string  `json:"output"`
	OutputBase64 *string `json:"outputBase64,omitempty"`
	Error        *string `json:"error"`
	ErrorBase64  *string `json:"errorBase64,omitempty"`
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: oracle run | oracle bench -template FILE -data FILE [-n N]")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "run":
		fs := flag.NewFlagSet("run", flag.ExitOnError)
		timeout := fs.Duration("timeout", 10*time.Second, "longest a case may take")
		fs.Parse(os.Args[2:])
		if err := run(os.Stdin, os.Stdout, *timeout); err != nil {
			fmt.Fprintln(os.Stderr, "oracle:", err)
			os.Exit(1)
		}
	case "bench":
		if err := bench(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "oracle:", err)
			os.Exit(1)
		}
	default:
		fmt.Fprintf(os.Stderr, "oracle: unknown mode %q\n", os.Args[1])
		os.Exit(2)
	}
}

// decodeData decodes JSON exactly as json.Unmarshal into interface{} does by default: numbers are
// float64, objects map[string]interface{}, arrays []interface{}. Absent data is nil.
func decodeData(raw json.RawMessage) (interface{}, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	var data interface{}
	if err := json.Unmarshal(raw, &data); err != nil {
		return nil, err
	}
	return data, nil
}

// parse builds the template as the cases prescribe: template.New(name).Funcs(sprig.TxtFuncMap()),
// with the case's delimiters and missingkey option.
func parse(req *request) (*template.Template, error) {
	t := template.New(req.Name).Funcs(sprig.TxtFuncMap())
	if len(req.Delims) == 2 {
		t = t.Delims(req.Delims[0], req.Delims[1])
	}
	if req.MissingKey != "" {
		t = t.Option("missingkey=" + req.MissingKey)
	}
	return t.Parse(req.Template)
}

// setEnv applies a case's environment and returns a function restoring the previous one.
func setEnv(env map[string]string) func() {
	type saved struct {
		value   string
		present bool
	}
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	previous := make(map[string]saved, len(keys))
	for _, k := range keys {
		v, ok := os.LookupEnv(k)
		previous[k] = saved{v, ok}
		os.Setenv(k, env[k])
	}
	return func() {
		for _, k := range keys {
			if p := previous[k]; p.present {
				os.Setenv(k, p.value)
			} else {
				os.Unsetenv(k)
			}
		}
	}
}

// render runs one case. A panic that escapes text/template (it recovers those of called functions
// itself) is reported as an error starting with "oracle panic:" rather than ending the process.
func render(req *request) (out []byte, errText *string) {
	var buf bytes.Buffer
	defer func() {
		if r := recover(); r != nil {
			msg := fmt.Sprintf("oracle panic: %v", r)
			out, errText = buf.Bytes(), &msg
		}
	}()
	restore := setEnv(req.Env)
	defer restore()
	data, err := decodeData(req.Data)
	if err != nil {
		msg := "oracle: bad data: " + err.Error()
		return nil, &msg
	}
	t, err := parse(req)
	if err == nil {
		err = t.Execute(&buf, data)
	}
	if err != nil {
		msg := err.Error()
		return buf.Bytes(), &msg
	}
	return buf.Bytes(), nil
}

// renderWithin runs a case, but gives up after timeout: some inputs never end in Go (mergo merging a
// map into a map that contains it loops forever). The process then exits with status 3 without
// answering that case, since the runaway goroutine cannot be stopped; the caller restarts after it.
func renderWithin(req *request, timeout time.Duration) ([]byte, *string) {
	type result struct {
		out []byte
		err *string
	}
	done := make(chan result, 1)
	go func() {
		out, err := render(req)
		done <- result{out, err}
	}()
	select {
	case r := <-done:
		return r.out, r.err
	case <-time.After(timeout):
		fmt.Fprintf(os.Stderr, "oracle timeout: case %q took longer than %v\n", req.Name, timeout)
		os.Exit(3)
		return nil, nil
	}
}

func run(in io.Reader, out io.Writer, timeout time.Duration) error {
	scanner := bufio.NewScanner(in)
	scanner.Buffer(make([]byte, 1<<20), 1<<30)
	w := bufio.NewWriter(out)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for scanner.Scan() {
		line := bytes.TrimSpace(scanner.Bytes())
		if len(line) == 0 {
			continue
		}
		var req request
		if err := json.Unmarshal(line, &req); err != nil {
			return fmt.Errorf("bad request line: %w", err)
		}
		output, errText := renderWithin(&req, timeout)
		resp := response{Name: req.Name, Output: string(output), Error: errText}
		if !utf8.Valid(output) {
			b64 := base64.StdEncoding.EncodeToString(output)
			resp.OutputBase64 = &b64
		}
		if errText != nil && !utf8.ValidString(*errText) {
			b64 := base64.StdEncoding.EncodeToString([]byte(*errText))
			resp.ErrorBase64 = &b64
		}
		if err := enc.Encode(&resp); err != nil {
			return err
		}
		// Flush every answer: if a later case kills the process (a fatal stack overflow printing a
		// self-referencing map cannot be recovered), the caller knows which case did it.
		if err := w.Flush(); err != nil {
			return err
		}
	}
	return scanner.Err()
}

// bench parses a template once and executes it n times after a warm-up, printing the median
// execution time in nanoseconds and the output (to check it against another renderer).
func bench(args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	templateFile := fs.String("template", "", "template file")
	dataFile := fs.String("data", "", "JSON data file")
	n := fs.Int("n", 50, "timed executions")
	warmup := fs.Int("warmup", 10, "untimed executions before timing")
	name := fs.String("name", "bench", "template name")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *templateFile == "" || *dataFile == "" || *n < 1 {
		return fmt.Errorf("bench needs -template, -data and -n >= 1")
	}
	text, err := os.ReadFile(*templateFile)
	if err != nil {
		return err
	}
	rawData, err := os.ReadFile(*dataFile)
	if err != nil {
		return err
	}
	data, err := decodeData(rawData)
	if err != nil {
		return err
	}
	t, err := parse(&request{Name: *name, Template: string(text)})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	for i := 0; i < *warmup; i++ {
		buf.Reset()
		if err := t.Execute(&buf, data); err != nil {
			return err
		}
	}
	times := make([]int64, *n)
	for i := range times {
		buf.Reset()
		start := time.Now()
		err := t.Execute(&buf, data)
		times[i] = time.Since(start).Nanoseconds()
		if err != nil {
			return err
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	median := times[len(times)/2]
	if len(times)%2 == 0 {
		median = (times[len(times)/2-1] + times[len(times)/2]) / 2
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	return enc.Encode(map[string]interface{}{
		"medianNs":     median,
		"runs":         *n,
		"outputBase64": base64.StdEncoding.EncodeToString(buf.Bytes()),
	})
}
