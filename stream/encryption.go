package stream

import (
	"context"
	"slices"
	"time"
)

// MaxKeyChangesPerDay is how many StartStreamEncryption and
// StopStreamEncryption calls a stream takes in a rolling 24 hours.
const MaxKeyChangesPerDay = 25

// StreamEncryptionInput is the input of [Service.StartStreamEncryption] and
// [Service.StopStreamEncryption].
type StreamEncryptionInput struct {
	StreamName string
	StreamARN  string
	// EncryptionType must be KMS.
	EncryptionType EncryptionType
	// KeyId names the KMS key: an ARN, alias or key id (1..2048
	// characters). sluice stores it; it calls no KMS.
	KeyId string
}

// StartStreamEncryption makes the stream UPDATING for the transition delay;
// after that, records written are encrypted: Put and Get responses report
// EncryptionType KMS.
func (svc *Service) StartStreamEncryption(ctx context.Context, in StreamEncryptionInput) error {
	return svc.setEncryption(ctx, in, EncryptionTypeKMS)
}

// StopStreamEncryption makes the stream UPDATING for the transition delay;
// after that, records written are no longer encrypted. Records written
// before keep their EncryptionType.
func (svc *Service) StopStreamEncryption(ctx context.Context, in StreamEncryptionInput) error {
	return svc.setEncryption(ctx, in, EncryptionTypeNone)
}

func (svc *Service) setEncryption(ctx context.Context, in StreamEncryptionInput, to EncryptionType) error {
	if in.EncryptionType != EncryptionTypeKMS {
		return errValidationValue(in.EncryptionType, "encryptionType", "Member must satisfy enum value set: [KMS]")
	}
	if in.KeyId == "" || len(in.KeyId) > 2048 {
		return errValidation("keyId", "Member must have length between 1 and 2048")
	}
	s, err := svc.resolve(in.StreamName, in.StreamARN)
	if err != nil {
		return err
	}
	if err := svc.rate(ctx, opEncryption, nil); err != nil {
		return err
	}
	now, err := s.lock()
	if err != nil {
		return err
	}
	defer s.mu.Unlock()
	if s.status != StreamStatusActive {
		return s.errNotActive()
	}
	s.keyChanges = slices.DeleteFunc(s.keyChanges, func(t time.Time) bool { return !t.After(now.Add(-scalingWindow)) })
	if len(s.keyChanges) >= MaxKeyChangesPerDay {
		return errorf(ErrLimitExceededException,
			"Stream %s under account %s has already had its encryption changed %d times in the last 24 hours.", s.name, svc.cfg.account, MaxKeyChangesPerDay)
	}
	s.keyChanges = append(s.keyChanges, now)
	s.transitionLocked(now, StreamStatusUpdating, func(time.Time) {
		s.enc = to
		s.keyID = ""
		if to == EncryptionTypeKMS {
			s.keyID = in.KeyId
		}
	})
	return nil
}
