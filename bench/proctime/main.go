// Command proctime runs one command as a whole process and prints what it cost, measured by the
// kernel: wall time from fork to reap, and user + system CPU time and peak RSS from wait4's rusage
// (microsecond figures, which Node cannot read for a child process: spawnSync reaps it unseen).
// The bench in bench/*.ts calls it once per timed run, interleaving the commands it compares.
//
//	proctime [-in FILE] [-dir DIR] -- COMMAND [ARG...]
//
// It prints one JSON line {"wallNs","userNs","sysNs","maxRssKiB"} on stdout. The command's stdout is
// discarded; its stderr is kept and, when it exits non-zero, printed with proctime exiting 1.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

func main() {
	in := flag.String("in", "", "file for the command's stdin (default: /dev/null)")
	dir := flag.String("dir", "", "working directory of the command")
	flag.Parse()
	argv := flag.Args()
	if len(argv) == 0 {
		fmt.Fprintln(os.Stderr, "usage: proctime [-in FILE] [-dir DIR] -- COMMAND [ARG...]")
		os.Exit(2)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = *dir
	if *in != "" {
		f, err := os.Open(*in)
		if err != nil {
			fmt.Fprintln(os.Stderr, "proctime:", err)
			os.Exit(2)
		}
		defer f.Close()
		cmd.Stdin = f
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		fmt.Fprintf(os.Stderr, "proctime: %v: %v\n%s", argv, err, stderr.Bytes())
		os.Exit(1)
	}
	usage, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	out := map[string]int64{
		"wallNs": wall.Nanoseconds(),
		"userNs": cmd.ProcessState.UserTime().Nanoseconds(),
		"sysNs":  cmd.ProcessState.SystemTime().Nanoseconds(),
	}
	if usage != nil {
		out["maxRssKiB"] = usage.Maxrss
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		os.Exit(1)
	}
}
