package stream

import "context"

// PutResourcePolicyInput is the input of [Service.PutResourcePolicy].
type PutResourcePolicyInput struct {
	// ResourceARN is a stream's or a consumer's ARN.
	ResourceARN string
	// Policy is an IAM policy document. sluice stores it; it enforces no
	// permissions.
	Policy string
}

// PutResourcePolicy attaches a resource policy to a stream or consumer,
// replacing any it had.
func (svc *Service) PutResourcePolicy(ctx context.Context, in PutResourcePolicyInput) error {
	if in.Policy == "" || len(in.Policy) > 20480 {
		return errValidation("policy", "Member must have length between 1 and 20480")
	}
	return svc.withPolicy(ctx, in.ResourceARN, func(p *string) { *p = in.Policy })
}

// ResourcePolicyInput is the input of [Service.GetResourcePolicy] and
// [Service.DeleteResourcePolicy].
type ResourcePolicyInput struct {
	ResourceARN string
}

// GetResourcePolicyOutput is the output of [Service.GetResourcePolicy].
type GetResourcePolicyOutput struct {
	// Policy is "{}" when none is attached, as AWS answers.
	Policy string
}

// GetResourcePolicy returns the resource policy of a stream or consumer.
func (svc *Service) GetResourcePolicy(ctx context.Context, in ResourcePolicyInput) (GetResourcePolicyOutput, error) {
	var out GetResourcePolicyOutput
	err := svc.withPolicy(ctx, in.ResourceARN, func(p *string) {
		out.Policy = *p
		if out.Policy == "" {
			out.Policy = "{}"
		}
	})
	return out, err
}

// DeleteResourcePolicy removes the resource policy of a stream or
// consumer. Deleting a policy that is not there is
// ErrResourceNotFoundException.
func (svc *Service) DeleteResourcePolicy(ctx context.Context, in ResourcePolicyInput) error {
	had := true
	err := svc.withPolicy(ctx, in.ResourceARN, func(p *string) {
		had = *p != ""
		*p = ""
	})
	if err == nil && !had {
		return errorf(ErrResourceNotFoundException, "No resource policy found for resource ARN %s.", in.ResourceARN)
	}
	return err
}

func (svc *Service) withPolicy(ctx context.Context, arn string, f func(p *string)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	streamARN, consumerName, _, isConsumer := splitConsumerARN(arn)
	if !isConsumer {
		streamARN = arn
	}
	s, err := svc.resolve("", streamARN)
	if err != nil {
		return err
	}
	now, err := s.lock()
	if err != nil {
		return err
	}
	defer s.mu.Unlock()
	if !isConsumer {
		f(&s.policy)
		return nil
	}
	c, err := s.consumerByARNLocked(arn, consumerName, now)
	if err != nil {
		return err
	}
	f(&c.policy)
	return nil
}
