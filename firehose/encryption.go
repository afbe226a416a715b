package firehose

import (
	"context"
	"regexp"
	"time"
)

var kmsKeyARNRE = regexp.MustCompile(`^arn:.*:kms:[a-zA-Z0-9\-]+:\d{12}:(key|alias)/[a-zA-Z_0-9+=,.@\-_/]+$`)

// EncryptionStatus is the state of a delivery stream's server-side
// encryption.
type EncryptionStatus string

// Encryption statuses.
const (
	EncryptionEnabled   EncryptionStatus = "ENABLED"
	EncryptionEnabling  EncryptionStatus = "ENABLING"
	EncryptionDisabled  EncryptionStatus = "DISABLED"
	EncryptionDisabling EncryptionStatus = "DISABLING"
)

// MaxEncryptionChanges is how many Start/StopDeliveryStreamEncryption
// calls a delivery stream takes per 24 hours.
const MaxEncryptionChanges = 25

// DeliveryStreamEncryptionConfiguration describes server-side encryption.
type DeliveryStreamEncryptionConfiguration struct {
	KeyARN  string
	KeyType KeyType
	Status  EncryptionStatus
}

// encryption is the state machine of server-side encryption on the clock.
type encryption struct {
	keyARN  string
	keyType KeyType
	on      bool      // the requested state
	until   time.Time // when the transition ends
	changes []time.Time
}

func (e *encryption) start(in DeliveryStreamEncryptionConfigurationInput, now, until time.Time) {
	e.keyARN, e.keyType, e.on, e.until = in.KeyARN, in.KeyType, true, until
	e.changes = append(e.changes, now)
}

func (e *encryption) status(now time.Time) EncryptionStatus {
	switch {
	case e.on && now.Before(e.until):
		return EncryptionEnabling
	case e.on:
		return EncryptionEnabled
	case now.Before(e.until):
		return EncryptionDisabling
	}
	return EncryptionDisabled
}

func (e *encryption) encryptedAt(now time.Time) bool { return e.status(now) == EncryptionEnabled }

func (e *encryption) describe(now time.Time) *DeliveryStreamEncryptionConfiguration {
	c := &DeliveryStreamEncryptionConfiguration{Status: e.status(now)}
	if e.on || c.Status == EncryptionDisabling {
		c.KeyARN, c.KeyType = e.keyARN, e.keyType
	}
	return c
}

func validateEncryption(in DeliveryStreamEncryptionConfigurationInput) error {
	switch in.KeyType {
	case AWSOwnedCMK:
		if in.KeyARN != "" {
			return errArg("KeyARN must not be specified when KeyType is AWS_OWNED_CMK.")
		}
	case CustomerManagedCMK:
		if in.KeyARN == "" {
			return errArg("KeyARN is required when KeyType is CUSTOMER_MANAGED_CMK.")
		}
		if !kmsKeyARNRE.MatchString(in.KeyARN) {
			return errValidation("deliveryStreamEncryptionConfigurationInput.keyARN", "'"+in.KeyARN+"'",
				"Member must satisfy regular expression pattern: arn:.*:kms:[a-zA-Z0-9\\-]+:\\d{12}:(key|alias)/[a-zA-Z_0-9+=,.@\\-_/]+")
		}
	default:
		return errValidation("deliveryStreamEncryptionConfigurationInput.keyType", "'"+string(in.KeyType)+"'",
			"Member must satisfy enum value set: [AWS_OWNED_CMK, CUSTOMER_MANAGED_CMK]")
	}
	return nil
}

// StartDeliveryStreamEncryptionInput is the input of
// [Service.StartDeliveryStreamEncryption].
type StartDeliveryStreamEncryptionInput struct {
	DeliveryStreamName                         string
	DeliveryStreamEncryptionConfigurationInput *DeliveryStreamEncryptionConfigurationInput
}

// StartDeliveryStreamEncryption enables server-side encryption: ENABLING
// for the transition delay, then ENABLED. Calling it again changes the
// key. DirectPut streams only.
func (s *Service) StartDeliveryStreamEncryption(ctx context.Context, in StartDeliveryStreamEncryptionInput) error {
	cfg := DeliveryStreamEncryptionConfigurationInput{KeyType: AWSOwnedCMK}
	if in.DeliveryStreamEncryptionConfigurationInput != nil {
		cfg = *in.DeliveryStreamEncryptionConfigurationInput
		if err := validateEncryption(cfg); err != nil {
			return err
		}
	}
	return s.changeEncryption(ctx, in.DeliveryStreamName, &cfg)
}

// StopDeliveryStreamEncryptionInput is the input of
// [Service.StopDeliveryStreamEncryption].
type StopDeliveryStreamEncryptionInput struct {
	DeliveryStreamName string
}

// StopDeliveryStreamEncryption disables server-side encryption: DISABLING
// for the transition delay, then DISABLED.
func (s *Service) StopDeliveryStreamEncryption(ctx context.Context, in StopDeliveryStreamEncryptionInput) error {
	return s.changeEncryption(ctx, in.DeliveryStreamName, nil)
}

func (s *Service) changeEncryption(ctx context.Context, name string, cfg *DeliveryStreamEncryptionConfigurationInput) error {
	d, err := s.get(ctx, name)
	if err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.mono.Now(s.cfg.clock)
	if d.stopped {
		return s.errNotFound(name)
	}
	if d.typ != DirectPut {
		return errorf(ErrInvalidArgumentException,
			"Server side encryption is not supported for delivery stream type %s.", d.typ)
	}
	if st := d.statusLocked(now); st != StatusActive {
		return errorf(ErrResourceInUseException, "Firehose %s is not in the ACTIVE state.", name)
	}
	switch d.enc.status(now) {
	case EncryptionEnabling, EncryptionDisabling:
		return errorf(ErrResourceInUseException, "Firehose %s encryption is being changed; try again later.", name)
	}
	kept := d.enc.changes[:0]
	for _, t := range d.enc.changes {
		if now.Sub(t) < 24*time.Hour {
			kept = append(kept, t)
		}
	}
	d.enc.changes = kept
	if len(kept) >= MaxEncryptionChanges {
		return errorf(ErrLimitExceededException,
			"You can invoke StartDeliveryStreamEncryption and StopDeliveryStreamEncryption a total of %d times per delivery stream per 24 hours.", MaxEncryptionChanges)
	}
	until := now.Add(s.cfg.transition)
	if cfg != nil {
		d.enc.start(*cfg, now, until)
		return nil
	}
	if !d.enc.on {
		return nil
	}
	d.enc.on, d.enc.until = false, until
	d.enc.changes = append(d.enc.changes, now)
	return nil
}
