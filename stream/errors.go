package stream

import (
	"fmt"

	"github.com/sluicehq/sluice/internal/awserr"
)

// Error is the error every rejected request returns. errors.Is matches it
// against the sentinels below by AWS error code; errors.As gives the code,
// message and HTTP status.
type Error = awserr.Error

// Sentinels, one per AWS error code the stream package returns. Compare with
// errors.Is; the returned errors carry AWS's message for the case at hand.
var (
	ErrResourceNotFoundException              = &Error{Code: "ResourceNotFoundException", HTTPStatus: 400, Sender: true}
	ErrResourceInUseException                 = &Error{Code: "ResourceInUseException", HTTPStatus: 400, Sender: true}
	ErrLimitExceededException                 = &Error{Code: "LimitExceededException", HTTPStatus: 400, Sender: true}
	ErrInvalidArgumentException               = &Error{Code: "InvalidArgumentException", HTTPStatus: 400, Sender: true}
	ErrValidationException                    = &Error{Code: "ValidationException", HTTPStatus: 400, Sender: true}
	ErrProvisionedThroughputExceededException = &Error{Code: "ProvisionedThroughputExceededException", HTTPStatus: 400, Sender: true}
	ErrExpiredIteratorException               = &Error{Code: "ExpiredIteratorException", HTTPStatus: 400, Sender: true}
	ErrExpiredNextTokenException              = &Error{Code: "ExpiredNextTokenException", HTTPStatus: 400, Sender: true}
	// ErrInternalFailure is returned by every call on a closed Service and
	// ends every subscription when the Service closes.
	ErrInternalFailure = &Error{Code: "InternalFailure", HTTPStatus: 500}
)

// errorf returns a copy of the sentinel with a formatted message.
func errorf(sentinel *Error, format string, args ...any) *Error {
	return sentinel.WithMessage(fmt.Sprintf(format, args...))
}

func errClosed() *Error { return ErrInternalFailure.WithMessage("The stream service is closed.") }

// errValidation is AWS's text for a request field that breaks its shape
// constraint.
func errValidation(field, constraint string) *Error {
	return errorf(ErrValidationException, "1 validation error detected: Value at '%s' failed to satisfy constraint: %s", field, constraint)
}

// errValidationValue is errValidation naming the rejected value.
func errValidationValue(value any, field, constraint string) *Error {
	return errorf(ErrValidationException, "1 validation error detected: Value '%v' at '%s' failed to satisfy constraint: %s",
		value, field, constraint)
}
