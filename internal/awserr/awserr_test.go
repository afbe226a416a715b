package awserr

import (
	"errors"
	"fmt"
	"testing"
)

func TestErrorMatchesByCode(t *testing.T) {
	sentinel := &Error{Code: "QueueDoesNotExist", QueryCode: "AWS.SimpleQueueService.NonExistentQueue", HTTPStatus: 400}
	err := fmt.Errorf("wrapped: %w", sentinel.WithMessage("The specified queue does not exist."))
	if !errors.Is(err, sentinel) {
		t.Fatalf("errors.Is(%v, sentinel) = false, want true", err)
	}
	if errors.Is(err, &Error{Code: "OverLimit"}) {
		t.Fatalf("errors.Is matched another code")
	}
	var e *Error
	if !errors.As(err, &e) || e.Message != "The specified queue does not exist." || e.HTTPStatus != 400 {
		t.Fatalf("errors.As = %+v", e)
	}
	if sentinel.Message != "" {
		t.Fatalf("WithMessage changed the sentinel: %q", sentinel.Message)
	}
	if got, want := e.Error(), "QueueDoesNotExist: The specified queue does not exist."; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
	if got := sentinel.Error(); got != "QueueDoesNotExist" {
		t.Fatalf("sentinel Error() = %q", got)
	}
	if got := e.LegacyCode(); got != "AWS.SimpleQueueService.NonExistentQueue" {
		t.Fatalf("LegacyCode = %q", got)
	}
	if got := (&Error{Code: "InvalidParameterValue"}).LegacyCode(); got != "InvalidParameterValue" {
		t.Fatalf("LegacyCode without QueryCode = %q", got)
	}
}
