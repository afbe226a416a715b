// Package analytics emulates Amazon Kinesis Data Analytics for SQL: continuous
// SQL over streams, driven by an injected clock.
//
// This package is being built; see the files lexer.go (tokens), parser.go
// (recursive-descent parser) and ast.go (syntax tree).
package analytics
