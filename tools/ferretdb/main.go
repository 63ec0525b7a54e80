// Command ferretdb runs FerretDB v1 through its embeddable package.
//
// Why not `go build github.com/FerretDB/FerretDB/cmd/ferretdb`: since Go 1.24 a binary built from a
// dependency's main package records that dependency as its main module, and FerretDB's version check
// then panics because the module zip lacks its generated version.txt (FerretDB #2982, #4889). The
// embeddable package skips that check and disables telemetry itself; this file only maps flags onto it.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on")
	sqliteURL := flag.String("sqlite-url", "", "SQLite URI of an existing directory (the sqlite backend)")
	postgresqlURL := flag.String("postgresql-url", "", "PostgreSQL URL of an existing database (the postgresql backend)")
	telemetry := flag.String("telemetry", "disable", "must be 'disable': this build never reports telemetry")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	flag.Parse()

	if *telemetry != "disable" {
		fmt.Fprintln(os.Stderr, "ferretdb: only --telemetry=disable is supported by this build")
		os.Exit(2)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: bad --log-level: %v\n", err)
		os.Exit(2)
	}
	handler := "sqlite"
	switch {
	case *sqliteURL != "" && *postgresqlURL != "":
		fmt.Fprintln(os.Stderr, "ferretdb: give either --sqlite-url or --postgresql-url, not both")
		os.Exit(2)
	case *postgresqlURL != "":
		handler = "postgresql"
	case *sqliteURL == "":
		fmt.Fprintln(os.Stderr, "ferretdb: one of --sqlite-url or --postgresql-url is required")
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:      ferretdb.ListenerConfig{TCP: *listen},
		Handler:       handler,
		SQLiteURL:     *sqliteURL,
		PostgreSQLURL: *postgresqlURL,
		Logger:        logger,
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger.Info("listening", "addr", *listen, "uri", f.MongoDBURI())
	if err := f.Run(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		os.Exit(1)
	}
}
