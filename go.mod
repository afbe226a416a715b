module github.com/sluicehq/sluice

go 1.26

require (
	github.com/benbjohnson/clock v1.3.5
	github.com/cespare/xxhash/v2 v2.3.0
	github.com/google/btree v1.1.3
	pgregory.net/rapid v1.3.0
)

require pgregory.net/rapid v1.3.0
