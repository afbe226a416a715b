// Package awserr holds the error type every sluice service returns for a
// rejected request. Each service package re-exports it (type Error =
// awserr.Error) with one sentinel per AWS error code it can return.
package awserr

// Error is an AWS error: the code AWS returns, its message, the HTTP status
// the wire protocols answer with, and whether the caller (rather than the
// service) is at fault.
//
// errors.Is matches two Errors when their Codes are equal, so
//
//	errors.Is(err, queue.ErrQueueDoesNotExist)
//
// holds for every error with that code whatever its message.
type Error struct {
	// Code is the AWS error code, as the JSON protocols name it
	// (e.g. "QueueDoesNotExist").
	Code string
	// QueryCode is the code the older query protocol returns where it
	// differs from Code (e.g. "AWS.SimpleQueueService.NonExistentQueue");
	// empty where they are the same.
	QueryCode string
	// Message is AWS's human-readable message.
	Message string
	// HTTPStatus is the status code AWS answers with.
	HTTPStatus int
	// Sender is true when the request was at fault, false when the service was.
	Sender bool
}

// Error returns "Code: Message", or the Code alone for a sentinel.
func (e *Error) Error() string {
	if e.Message == "" {
		return e.Code
	}
	return e.Code + ": " + e.Message
}

// Is reports whether target is an *Error with the same Code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// WithMessage returns a copy of e carrying msg. Sentinels are never
// modified; every returned error is a fresh value.
func (e *Error) WithMessage(msg string) *Error {
	c := *e
	c.Message = msg
	return &c
}

// LegacyCode returns e.QueryCode if set, else e.Code: the code a query-protocol
// client expects.
func (e *Error) LegacyCode() string {
	if e.QueryCode != "" {
		return e.QueryCode
	}
	return e.Code
}
