package firehose

import (
	"fmt"

	"github.com/sluicehq/sluice/internal/awserr"
)

// Error is the error every rejected request returns. errors.Is matches it
// against the sentinels below by AWS error code; errors.As gives the code,
// message and HTTP status.
type Error = awserr.Error

// Sentinels, one per AWS error code the firehose package returns. Compare
// with errors.Is; the returned errors carry a message for the case at hand.
var (
	ErrInvalidArgumentException        = &Error{Code: "InvalidArgumentException", HTTPStatus: 400, Sender: true}
	ErrResourceNotFoundException       = &Error{Code: "ResourceNotFoundException", HTTPStatus: 400, Sender: true}
	ErrResourceInUseException          = &Error{Code: "ResourceInUseException", HTTPStatus: 400, Sender: true}
	ErrLimitExceededException          = &Error{Code: "LimitExceededException", HTTPStatus: 400, Sender: true}
	ErrConcurrentModificationException = &Error{Code: "ConcurrentModificationException", HTTPStatus: 400, Sender: true}
	ErrInvalidKMSResourceException     = &Error{Code: "InvalidKMSResourceException", HTTPStatus: 400, Sender: true}
	ErrInvalidSourceException          = &Error{Code: "InvalidSourceException", HTTPStatus: 400, Sender: true}
	ErrValidationException             = &Error{Code: "ValidationException", HTTPStatus: 400, Sender: true}
	ErrServiceUnavailableException     = &Error{Code: "ServiceUnavailableException", HTTPStatus: 503}
)

// errorf returns a copy of the sentinel with a formatted message.
func errorf(sentinel *Error, format string, args ...any) *Error {
	return sentinel.WithMessage(fmt.Sprintf(format, args...))
}

func errArg(format string, args ...any) *Error {
	return errorf(ErrInvalidArgumentException, format, args...)
}

func (s *Service) errNotFound(name string) *Error {
	return errorf(ErrResourceNotFoundException, "Firehose %s under account %s not found.", name, s.cfg.account)
}

func errClosed() *Error {
	return ErrServiceUnavailableException.WithMessage("The firehose service is closed.")
}
