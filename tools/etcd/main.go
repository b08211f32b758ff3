// Command etcd is etcd's own entry point (the etcd repository's main.go does the same),
// built here because the etcd root module is not a dependency we can `go install` by path.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
