# The two commands: `make run` and `make test`. The rest are handy pieces of them.
.PHONY: run test ci bench setup db-start db-stop db-url sqlx-prepare

run:          ## install what is missing, start the database, migrate, seed, serve on :3000
	@bash .ci/make-run.sh

test:         ## the same set-up, then every test (Rust, database, HTTP, Playwright)
	@bash .ci/make-test.sh

ci:           ## what CI runs: fmt, make test, sqlx data check, clippy
	@bash .ci/run

bench:        ## page-speed (browser, throughput, Lighthouse) and scheduling benchmarks (release build), printed as tables; see docs/benchmarks.md
	@bash .ci/make-bench.sh

setup:        ## only install the tools
	@bash .ci/setup-tools.sh

db-start:     ## start the embedded PostgreSQL (.data/postgres)
	@bash .ci/embedded-db.sh start

db-stop:      ## stop the embedded PostgreSQL (the data stays)
	@bash .ci/embedded-db.sh stop

db-url:       ## print the embedded database URL (it holds a local password)
	@bash .ci/embedded-db.sh url

sqlx-prepare: ## regenerate .sqlx/ after changing a query or a migration
	@bash .ci/sqlx-data.sh prepare
