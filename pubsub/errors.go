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
	ErrInvalidParameter             = &Error{Code: "InvalidParameter", HTTPStatus: 400, Sender: true}
	ErrParameterValueInvalid        = &Error{Code: "ParameterValueInvalid", HTTPStatus: 400, Sender: true}
	ErrNotFound                     = &Error{Code: "NotFound", HTTPStatus: 404, Sender: true}
	ErrResourceNotFound             = &Error{Code: "ResourceNotFound", HTTPStatus: 404, Sender: true}
	ErrTagLimitExceeded             = &Error{Code: "TagLimitExceeded", HTTPStatus: 400, Sender: true}
	ErrTopicLimitExceeded           = &Error{Code: "TopicLimitExceeded", HTTPStatus: 403, Sender: true}
	ErrSubscriptionLimitExceeded    = &Error{Code: "SubscriptionLimitExceeded", HTTPStatus: 403, Sender: true}
	ErrFilterPolicyLimitExceeded    = &Error{Code: "FilterPolicyLimitExceeded", HTTPStatus: 403, Sender: true}
	ErrValidationError              = &Error{Code: "ValidationError", HTTPStatus: 400, Sender: true}
	ErrEmptyBatchRequest            = &Error{Code: "EmptyBatchRequest", HTTPStatus: 400, Sender: true}
	ErrTooManyEntriesInBatchRequest = &Error{Code: "TooManyEntriesInBatchRequest", HTTPStatus: 400, Sender: true}
	ErrBatchEntryIdsNotDistinct     = &Error{Code: "BatchEntryIdsNotDistinct", HTTPStatus: 400, Sender: true}
	ErrInvalidBatchEntryId          = &Error{Code: "InvalidBatchEntryId", HTTPStatus: 400, Sender: true}
	ErrBatchRequestTooLong          = &Error{Code: "BatchRequestTooLong", HTTPStatus: 400, Sender: true}
	// ErrServiceUnavailable is returned by every call on a closed Service.
	ErrServiceUnavailable = &Error{Code: "ServiceUnavailable", HTTPStatus: 503}
)

// errorf returns a copy of the sentinel with a formatted message.
func errorf(sentinel *Error, format string, args ...any) *Error {
	return sentinel.WithMessage(fmt.Sprintf(format, args...))
}

// errParam is AWS's "Invalid parameter: ..." InvalidParameter error.
func errParam(format string, args ...any) *Error {
	return errorf(ErrInvalidParameter, "Invalid parameter: "+format, args...)
}

func errTopicNotFound() *Error { return ErrNotFound.WithMessage("Topic does not exist") }

func errSubscriptionNotFound() *Error { return ErrNotFound.WithMessage("Subscription does not exist") }

func errClosed() *Error {
	return ErrServiceUnavailable.WithMessage("The notification service is closed.")
}
