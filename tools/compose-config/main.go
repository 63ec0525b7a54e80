// compose-config loads a Compose file the way `docker compose config` does (compose-go, the library
// Docker Compose itself uses): the Compose Specification's JSON schema, interpolation of ${…} from
// the environment (a missing `${X:?…}` is an error), merge keys, and the cross-references between
// services, networks and volumes. It prints the resolved project as JSON, or the error and exit 1.
//
//	compose-config -f docker-compose.yml
//
// Used by scripts/src/compose-file.test.ts, where no Docker Compose is installed.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	file := flag.String("f", "docker-compose.yml", "the Compose file")
	flag.Parse()
	if err := run(*file); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(file string) error {
	abs, err := filepath.Abs(file)
	if err != nil {
		return err
	}
	options, err := cli.NewProjectOptions(
		[]string{abs},
		cli.WithWorkingDirectory(filepath.Dir(abs)),
		cli.WithOsEnv,
		cli.WithName("shop-supergraph"),
	)
	if err != nil {
		return err
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		return err
	}
	out, err := project.MarshalJSON()
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(append(out, '\n'))
	return err
}
