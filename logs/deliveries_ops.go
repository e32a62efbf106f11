package logs

import (
	"context"

	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
)

// PutDeliverySource creates or updates a delivery source: the AWS resource (ResourceArn) that sends logs of LogType. Tags are given only at creation; an update keeps the source's resource.
func (s *Service) PutDeliverySource(ctx context.Context, in PutDeliverySourceInput) (*PutDeliverySourceOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "PutDeliverySource"}, in, s.putDeliverySource)
}

func (s *Service) putDeliverySource(_ context.Context, _ *event.Call, in PutDeliverySourceInput) (*PutDeliverySourceOutput, error) {
	src, err := s.deliveries.putSource(s.region, s.account, in)
	if err != nil {
		return nil, err
	}
	return &PutDeliverySourceOutput{DeliverySource: src}, nil
}

// GetDeliverySource returns one delivery source.
func (s *Service) GetDeliverySource(ctx context.Context, in GetDeliverySourceInput) (*GetDeliverySourceOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "GetDeliverySource", ReadOnly: true}, in, s.getDeliverySource)
}

func (s *Service) getDeliverySource(_ context.Context, _ *event.Call, in GetDeliverySourceInput) (*GetDeliverySourceOutput, error) {
	src, err := s.deliveries.getSource(in.Name)
	if err != nil {
		return nil, err
	}
	return &GetDeliverySourceOutput{DeliverySource: src}, nil
}

// DescribeDeliverySources lists the delivery sources by name, up to Limit (1-50, default 50) per page.
func (s *Service) DescribeDeliverySources(ctx context.Context, in DescribeDeliverySourcesInput) (*DescribeDeliverySourcesOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DescribeDeliverySources", ReadOnly: true}, in, s.describeDeliverySources)
}

func (s *Service) describeDeliverySources(_ context.Context, _ *event.Call, in DescribeDeliverySourcesInput) (*DescribeDeliverySourcesOutput, error) {
	return s.deliveries.describeSources(in)
}

// DeleteDeliverySource deletes a delivery source; one that deliveries use cannot be deleted (ConflictException).
func (s *Service) DeleteDeliverySource(ctx context.Context, in DeleteDeliverySourceInput) (*DeleteDeliverySourceOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DeleteDeliverySource"}, in, s.deleteDeliverySource)
}

func (s *Service) deleteDeliverySource(_ context.Context, _ *event.Call, in DeleteDeliverySourceInput) (*DeleteDeliverySourceOutput, error) {
	if err := s.deliveries.deleteSource(in.Name); err != nil {
		return nil, err
	}
	return &DeleteDeliverySourceOutput{}, nil
}

// PutDeliveryDestination creates or updates a delivery destination: an S3 bucket, log group or Firehose stream (its type derived from DestinationResourceArn) or X-Ray. Tags are given only at creation; an update keeps the output format.
func (s *Service) PutDeliveryDestination(ctx context.Context, in PutDeliveryDestinationInput) (*PutDeliveryDestinationOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "PutDeliveryDestination"}, in, s.putDeliveryDestination)
}

func (s *Service) putDeliveryDestination(_ context.Context, _ *event.Call, in PutDeliveryDestinationInput) (*PutDeliveryDestinationOutput, error) {
	d, err := s.deliveries.putDestination(s.region, s.account, in)
	if err != nil {
		return nil, err
	}
	return &PutDeliveryDestinationOutput{DeliveryDestination: d}, nil
}

// GetDeliveryDestination returns one delivery destination.
func (s *Service) GetDeliveryDestination(ctx context.Context, in GetDeliveryDestinationInput) (*GetDeliveryDestinationOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "GetDeliveryDestination", ReadOnly: true}, in, s.getDeliveryDestination)
}

func (s *Service) getDeliveryDestination(_ context.Context, _ *event.Call, in GetDeliveryDestinationInput) (*GetDeliveryDestinationOutput, error) {
	d, err := s.deliveries.getDestination(in.Name)
	if err != nil {
		return nil, err
	}
	return &GetDeliveryDestinationOutput{DeliveryDestination: d}, nil
}

// DescribeDeliveryDestinations lists the delivery destinations by name, up to Limit (1-50, default 50) per page.
func (s *Service) DescribeDeliveryDestinations(ctx context.Context, in DescribeDeliveryDestinationsInput) (*DescribeDeliveryDestinationsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DescribeDeliveryDestinations", ReadOnly: true}, in, s.describeDeliveryDestinations)
}

func (s *Service) describeDeliveryDestinations(_ context.Context, _ *event.Call, in DescribeDeliveryDestinationsInput) (*DescribeDeliveryDestinationsOutput, error) {
	return s.deliveries.describeDestinations(in)
}

// DeleteDeliveryDestination deletes a delivery destination; one that deliveries use cannot be deleted (ConflictException).
func (s *Service) DeleteDeliveryDestination(ctx context.Context, in DeleteDeliveryDestinationInput) (*DeleteDeliveryDestinationOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DeleteDeliveryDestination"}, in, s.deleteDeliveryDestination)
}

func (s *Service) deleteDeliveryDestination(_ context.Context, _ *event.Call, in DeleteDeliveryDestinationInput) (*DeleteDeliveryDestinationOutput, error) {
	if err := s.deliveries.deleteDestination(in.Name); err != nil {
		return nil, err
	}
	return &DeleteDeliveryDestinationOutput{}, nil
}

// PutDeliveryDestinationPolicy sets the IAM policy (a JSON document of up to 51,200 bytes) that lets other accounts' delivery sources deliver to the destination.
func (s *Service) PutDeliveryDestinationPolicy(ctx context.Context, in PutDeliveryDestinationPolicyInput) (*PutDeliveryDestinationPolicyOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "PutDeliveryDestinationPolicy"}, in, s.putDeliveryDestinationPolicy)
}

func (s *Service) putDeliveryDestinationPolicy(_ context.Context, _ *event.Call, in PutDeliveryDestinationPolicyInput) (*PutDeliveryDestinationPolicyOutput, error) {
	p, err := s.deliveries.putPolicy(in)
	if err != nil {
		return nil, err
	}
	return &PutDeliveryDestinationPolicyOutput{Policy: p}, nil
}

// GetDeliveryDestinationPolicy returns a delivery destination's policy (empty when none is set).
func (s *Service) GetDeliveryDestinationPolicy(ctx context.Context, in GetDeliveryDestinationPolicyInput) (*GetDeliveryDestinationPolicyOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "GetDeliveryDestinationPolicy", ReadOnly: true}, in, s.getDeliveryDestinationPolicy)
}

func (s *Service) getDeliveryDestinationPolicy(_ context.Context, _ *event.Call, in GetDeliveryDestinationPolicyInput) (*GetDeliveryDestinationPolicyOutput, error) {
	p, err := s.deliveries.getPolicy(in.DeliveryDestinationName)
	if err != nil {
		return nil, err
	}
	return &GetDeliveryDestinationPolicyOutput{Policy: p}, nil
}

// DeleteDeliveryDestinationPolicy removes a delivery destination's policy.
func (s *Service) DeleteDeliveryDestinationPolicy(ctx context.Context, in DeleteDeliveryDestinationPolicyInput) (*DeleteDeliveryDestinationPolicyOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DeleteDeliveryDestinationPolicy"}, in, s.deleteDeliveryDestinationPolicy)
}

func (s *Service) deleteDeliveryDestinationPolicy(_ context.Context, _ *event.Call, in DeleteDeliveryDestinationPolicyInput) (*DeleteDeliveryDestinationPolicyOutput, error) {
	if err := s.deliveries.deletePolicy(in.DeliveryDestinationName); err != nil {
		return nil, err
	}
	return &DeleteDeliveryDestinationPolicyOutput{}, nil
}

// CreateDelivery connects a delivery source to a delivery destination of this account and Region. A source delivers at most once to each destination type (ConflictException).
func (s *Service) CreateDelivery(ctx context.Context, in CreateDeliveryInput) (*CreateDeliveryOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "CreateDelivery"}, in, s.createDelivery)
}

func (s *Service) createDelivery(_ context.Context, _ *event.Call, in CreateDeliveryInput) (*CreateDeliveryOutput, error) {
	d, err := s.deliveries.create(s.region, s.account, s.ids, in)
	if err != nil {
		return nil, err
	}
	return &CreateDeliveryOutput{Delivery: d}, nil
}

// GetDelivery returns one delivery by its ID.
func (s *Service) GetDelivery(ctx context.Context, in GetDeliveryInput) (*GetDeliveryOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "GetDelivery", ReadOnly: true}, in, s.getDelivery)
}

func (s *Service) getDelivery(_ context.Context, _ *event.Call, in GetDeliveryInput) (*GetDeliveryOutput, error) {
	d, err := s.deliveries.get(in.ID)
	if err != nil {
		return nil, err
	}
	return &GetDeliveryOutput{Delivery: d}, nil
}

// DescribeDeliveries lists the deliveries in creation order, up to Limit (1-50, default 50) per page.
func (s *Service) DescribeDeliveries(ctx context.Context, in DescribeDeliveriesInput) (*DescribeDeliveriesOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DescribeDeliveries", ReadOnly: true}, in, s.describeDeliveries)
}

func (s *Service) describeDeliveries(_ context.Context, _ *event.Call, in DescribeDeliveriesInput) (*DescribeDeliveriesOutput, error) {
	return s.deliveries.describe(in)
}

// UpdateDeliveryConfiguration changes a delivery's record fields, field delimiter or S3 configuration; its source and destination cannot change.
func (s *Service) UpdateDeliveryConfiguration(ctx context.Context, in UpdateDeliveryConfigurationInput) (*UpdateDeliveryConfigurationOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "UpdateDeliveryConfiguration"}, in, s.updateDeliveryConfiguration)
}

func (s *Service) updateDeliveryConfiguration(_ context.Context, _ *event.Call, in UpdateDeliveryConfigurationInput) (*UpdateDeliveryConfigurationOutput, error) {
	if err := s.deliveries.update(in); err != nil {
		return nil, err
	}
	return &UpdateDeliveryConfigurationOutput{}, nil
}

// DeleteDelivery deletes a delivery (not its source or destination).
func (s *Service) DeleteDelivery(ctx context.Context, in DeleteDeliveryInput) (*DeleteDeliveryOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DeleteDelivery"}, in, s.deleteDelivery)
}

func (s *Service) deleteDelivery(_ context.Context, _ *event.Call, in DeleteDeliveryInput) (*DeleteDeliveryOutput, error) {
	if err := s.deliveries.deleteDelivery(in.ID); err != nil {
		return nil, err
	}
	return &DeleteDeliveryOutput{}, nil
}
