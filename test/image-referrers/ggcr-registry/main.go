// Command ggcr-registry serves go-containerregistry's in-memory registry (pkg/registry) with the OCI
// 1.1 referrers API switched on, for duat's tests: a third registry implementation next to
// distribution 2.8 and v3. It listens on the address given by -addr (127.0.0.1 only in the tests)
// and logs each request to stderr. Like the library, it declines cross-repository mounts and sends
// no OCI-Subject header when a manifest with a subject is pushed.
package main

import (
	"flag"
	"log"
	"net/http"
	"os"

	"github.com/google/go-containerregistry/pkg/registry"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:5000", "address to listen on")
	flag.Parse()
	logger := log.New(os.Stderr, "", log.LstdFlags)
	handler := registry.New(registry.WithReferrersSupport(true), registry.Logger(logger))
	logger.Printf("listening on %s", *addr)
	logger.Fatal(http.ListenAndServe(*addr, handler))
}
