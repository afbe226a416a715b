package analytics

import (
	"fmt"

	"github.com/sluicehq/sluice/internal/awserr"
)

// Error is the error every rejected request returns. errors.Is matches it
// against the sentinels below by AWS error code; errors.As gives the code,
// message and HTTP status.
type Error = awserr.Error

// Sentinels, one per AWS error code the analytics package returns. Compare
// with errors.Is; returned errors carry a message for the case at hand.
var (
	// ErrCodeValidationException reports application code that does not
	// parse or does not type-check; its message names the line and column.
	ErrCodeValidationException = &Error{Code: "CodeValidationException", HTTPStatus: 400, Sender: true}
	// ErrResourceInUseException reports an application in the wrong status
	// for the operation, or a name already taken.
	ErrResourceInUseException = &Error{Code: "ResourceInUseException", HTTPStatus: 400, Sender: true}
	// ErrResourceNotFoundException reports an unknown application, input,
	// output or reference data source.
	ErrResourceNotFoundException = &Error{Code: "ResourceNotFoundException", HTTPStatus: 400, Sender: true}
	// ErrInvalidArgumentException reports a malformed request.
	ErrInvalidArgumentException = &Error{Code: "InvalidArgumentException", HTTPStatus: 400, Sender: true}
	// ErrConcurrentModificationException reports a stale
	// CurrentApplicationVersionId.
	ErrConcurrentModificationException = &Error{Code: "ConcurrentModificationException", HTTPStatus: 400, Sender: true}
	// ErrInvalidApplicationConfigurationException reports a configuration
	// StartApplication cannot run (e.g. an output naming a missing stream).
	ErrInvalidApplicationConfigurationException = &Error{Code: "InvalidApplicationConfigurationException", HTTPStatus: 400, Sender: true}
	// ErrLimitExceededException reports a request over a documented limit.
	ErrLimitExceededException = &Error{Code: "LimitExceededException", HTTPStatus: 400, Sender: true}
	// ErrTooManyTagsException reports more than 50 tags on an application.
	ErrTooManyTagsException = &Error{Code: "TooManyTagsException", HTTPStatus: 400, Sender: true}
	// ErrUnableToDetectSchemaException reports that DiscoverInputSchema
	// found no record to infer a schema from.
	ErrUnableToDetectSchemaException = &Error{Code: "UnableToDetectSchemaException", HTTPStatus: 400, Sender: true}
	// ErrUnsupportedOperationException reports an operation sluice or AWS
	// does not support in the given state.
	ErrUnsupportedOperationException = &Error{Code: "UnsupportedOperationException", HTTPStatus: 400, Sender: true}
	// ErrServiceUnavailableException is returned by every call on a closed
	// Service.
	ErrServiceUnavailableException = &Error{Code: "ServiceUnavailableException", HTTPStatus: 503}
)

// errorf returns a copy of the sentinel with a formatted message.
func errorf(sentinel *Error, format string, args ...any) *Error {
	return sentinel.WithMessage(fmt.Sprintf(format, args...))
}

// Pos is a position in application code: 1-based line and column (in
// runes).
type Pos struct {
	Line, Col int
}

// String formats the position as in CodeValidationException messages.
func (p Pos) String() string { return fmt.Sprintf("line %d, column %d", p.Line, p.Col) }

// codeErr returns a CodeValidationException at pos.
func codeErr(pos Pos, format string, args ...any) *Error {
	return ErrCodeValidationException.WithMessage(fmt.Sprintf("SQL error at %s: ", pos) + fmt.Sprintf(format, args...))
}
