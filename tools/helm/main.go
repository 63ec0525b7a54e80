// Command helm is Helm 4's command line, built from the Go module proxy through this wrapper module
// so that the version is pinned by go.mod/go.sum and CI can run `helm lint` and `helm template` on
// deploy/ without downloading a release binary (packages/harness/src/helm.ts builds and caches it).
//
// This is helm.sh/helm/v4/cmd/helm's main, unchanged in behaviour: building the dependency's own main
// package would work too, but a local main lets the harness build `.` like tools/ferretdb and set the
// version with -ldflags (a module-proxy build has no release ldflags, so `helm version` says "v4.3").
package main

import (
	"errors"
	"log/slog"
	"os"

	// Client auth plugins, as upstream registers them (unused by lint/template, kept for parity).
	_ "k8s.io/client-go/plugin/pkg/client/auth"

	helmcmd "helm.sh/helm/v4/pkg/cmd"
	"helm.sh/helm/v4/pkg/kube"
)

func main() {
	kube.ManagedFieldsManager = "helm"

	cmd, err := helmcmd.NewRootCmd(os.Stdout, os.Args[1:], helmcmd.SetupLogging)
	if err != nil {
		slog.Warn("command failed", slog.Any("error", err))
		os.Exit(1)
	}
	if err := cmd.Execute(); err != nil {
		if cerr, ok := errors.AsType[helmcmd.CommandError](err); ok {
			os.Exit(cerr.ExitCode)
		}
		os.Exit(1)
	}
}
