package pubsub

import (
	"fmt"

	"github.com/sluicehq/sluice/internal/awserr"
)

// Error is the error every rejected request returns. errors.Is matches it
// against the sentinels below by AWS error code; errors.As gives the code,
// message and HTTP status.
type Error = awserr.Error

// Sentinels, one per AWS error code the pubsub package returns.
var (
	ErrInvalidParameter      = &Error{Code: "InvalidParameter", HTTPStatus: 400, Sender: true}
	ErrParameterValueInvalid = &Error{Code: "ParameterValueInvalid", HTTPStatus: 400, Sender: true}
)

// errorf returns a copy of the sentinel with a formatted message.
func errorf(sentinel *Error, format string, args ...any) *Error {
	return sentinel.WithMessage(fmt.Sprintf(format, args...))
}
