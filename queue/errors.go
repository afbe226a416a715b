package queue

import (
	"fmt"

	"github.com/sluicehq/sluice/internal/awserr"
)

// Error is the error every rejected request returns. errors.Is matches it
// against the sentinels below by AWS error code; errors.As gives the code,
// message and HTTP status.
type Error = awserr.Error

// Sentinels, one per AWS error code the queue package returns. Compare with
// errors.Is; the returned errors carry AWS's message for the case at hand.
var (
	ErrQueueDoesNotExist = &Error{Code: "QueueDoesNotExist", QueryCode: "AWS.SimpleQueueService.NonExistentQueue",
		HTTPStatus: 400, Sender: true}
	ErrQueueNameExists = &Error{Code: "QueueNameExists", QueryCode: "QueueAlreadyExists",
		HTTPStatus: 400, Sender: true}
	ErrQueueDeletedRecently = &Error{Code: "QueueDeletedRecently", QueryCode: "AWS.SimpleQueueService.QueueDeletedRecently",
		HTTPStatus: 400, Sender: true}
	ErrPurgeQueueInProgress = &Error{Code: "PurgeQueueInProgress", QueryCode: "AWS.SimpleQueueService.PurgeQueueInProgress",
		HTTPStatus: 403, Sender: true}
	ErrInvalidAttributeName   = &Error{Code: "InvalidAttributeName", HTTPStatus: 400, Sender: true}
	ErrInvalidAttributeValue  = &Error{Code: "InvalidAttributeValue", HTTPStatus: 400, Sender: true}
	ErrInvalidParameterValue  = &Error{Code: "InvalidParameterValue", HTTPStatus: 400, Sender: true}
	ErrInvalidAddress         = &Error{Code: "InvalidAddress", HTTPStatus: 404, Sender: true}
	ErrMissingParameter       = &Error{Code: "MissingParameter", HTTPStatus: 400, Sender: true}
	ErrInvalidMessageContents = &Error{Code: "InvalidMessageContents", HTTPStatus: 400, Sender: true}
	ErrReceiptHandleIsInvalid = &Error{Code: "ReceiptHandleIsInvalid", HTTPStatus: 404, Sender: true}
	ErrOverLimit              = &Error{Code: "OverLimit", HTTPStatus: 403, Sender: true}
	ErrEmptyBatchRequest      = &Error{Code: "EmptyBatchRequest", QueryCode: "AWS.SimpleQueueService.EmptyBatchRequest",
		HTTPStatus: 400, Sender: true}
	ErrTooManyEntriesInBatchRequest = &Error{Code: "TooManyEntriesInBatchRequest",
		QueryCode: "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", HTTPStatus: 400, Sender: true}
	ErrBatchEntryIdsNotDistinct = &Error{Code: "BatchEntryIdsNotDistinct",
		QueryCode: "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", HTTPStatus: 400, Sender: true}
	ErrInvalidBatchEntryId = &Error{Code: "InvalidBatchEntryId",
		QueryCode: "AWS.SimpleQueueService.InvalidBatchEntryId", HTTPStatus: 400, Sender: true}
	ErrBatchRequestTooLong = &Error{Code: "BatchRequestTooLong",
		QueryCode: "AWS.SimpleQueueService.BatchRequestTooLong", HTTPStatus: 400, Sender: true}
	// ErrServiceUnavailable is returned by every call on a closed Service,
	// and to every caller blocked in a long poll when the Service closes.
	ErrServiceUnavailable = &Error{Code: "ServiceUnavailable", HTTPStatus: 503}
)

// errorf returns a copy of the sentinel with a formatted message.
func errorf(sentinel *Error, format string, args ...any) *Error {
	return sentinel.WithMessage(fmt.Sprintf(format, args...))
}

func errQueueDoesNotExist() *Error {
	return ErrQueueDoesNotExist.WithMessage("The specified queue does not exist.")
}

func errClosed() *Error {
	return ErrServiceUnavailable.WithMessage("The queue service is closed.")
}

// errParam is AWS's text for a parameter outside its range.
func errParam(name string, value any, reason string) *Error {
	return errorf(ErrInvalidParameterValue, "Value %v for parameter %s is invalid. Reason: %s", value, name, reason)
}
