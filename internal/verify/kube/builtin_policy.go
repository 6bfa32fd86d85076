package kube

import (
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metavalidation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// The kinds of the hardened workloads (docs/output.md#hardened-defaults):
// PodDisruptionBudgets and NetworkPolicies.
func init() {
	builtins[schema.GroupVersionKind{Group: policyv1.GroupName, Version: "v1", Kind: "PodDisruptionBudget"}] = builtinKind{
		namespaced: true,
		nameFn:     apivalidation.NameIsDNSSubdomain,
		newObj:     func() metav1.Object { return &policyv1.PodDisruptionBudget{} },
		check:      checkPodDisruptionBudget,
	}
	builtins[schema.GroupVersionKind{Group: networkingv1.GroupName, Version: "v1", Kind: "NetworkPolicy"}] = builtinKind{
		namespaced: true,
		nameFn:     apivalidation.NameIsDNSSubdomain,
		newObj:     func() metav1.Object { return &networkingv1.NetworkPolicy{} },
		check:      checkNetworkPolicy,
	}
}

func checkPodDisruptionBudget(o metav1.Object) field.ErrorList {
	p := o.(*policyv1.PodDisruptionBudget)
	spec := field.NewPath("spec")
	var errs field.ErrorList
	if (p.Spec.MinAvailable == nil) == (p.Spec.MaxUnavailable == nil) {
		errs = append(errs, field.Invalid(spec, "", "exactly one of minAvailable and maxUnavailable must be set"))
	}
	for _, v := range []struct {
		name string
		v    *intstr.IntOrString
	}{{"minAvailable", p.Spec.MinAvailable}, {"maxUnavailable", p.Spec.MaxUnavailable}} {
		if v.v != nil && v.v.Type == intstr.Int && v.v.IntVal < 0 {
			errs = append(errs, field.Invalid(spec.Child(v.name), v.v.IntVal, "must be greater than or equal to 0"))
		}
	}
	if p.Spec.Selector == nil || len(p.Spec.Selector.MatchLabels)+len(p.Spec.Selector.MatchExpressions) == 0 {
		errs = append(errs, field.Required(spec.Child("selector"), "an empty selector would cover every pod of the namespace"))
	} else {
		errs = append(errs, metavalidation.ValidateLabelSelector(p.Spec.Selector, metavalidation.LabelSelectorValidationOptions{}, spec.Child("selector"))...)
	}
	return errs
}

func checkNetworkPolicy(o metav1.Object) field.ErrorList {
	n := o.(*networkingv1.NetworkPolicy)
	spec := field.NewPath("spec")
	var errs field.ErrorList
	errs = append(errs, metavalidation.ValidateLabelSelector(&n.Spec.PodSelector, metavalidation.LabelSelectorValidationOptions{}, spec.Child("podSelector"))...)
	for i, t := range n.Spec.PolicyTypes {
		if t != networkingv1.PolicyTypeIngress && t != networkingv1.PolicyTypeEgress {
			errs = append(errs, field.NotSupported(spec.Child("policyTypes").Index(i), t, []string{"Ingress", "Egress"}))
		}
	}
	for i, in := range n.Spec.Ingress {
		rule := spec.Child("ingress").Index(i)
		for j, p := range in.Ports {
			pf := rule.Child("ports").Index(j)
			if p.Protocol != nil {
				switch *p.Protocol {
				case "TCP", "UDP", "SCTP":
				default:
					errs = append(errs, field.NotSupported(pf.Child("protocol"), *p.Protocol, []string{"TCP", "UDP", "SCTP"}))
				}
			}
			if p.Port == nil {
				continue
			}
			if p.Port.Type == intstr.Int {
				for _, msg := range validation.IsValidPortNum(int(p.Port.IntVal)) {
					errs = append(errs, field.Invalid(pf.Child("port"), p.Port.IntVal, msg))
				}
			} else {
				for _, msg := range validation.IsValidPortName(p.Port.StrVal) {
					errs = append(errs, field.Invalid(pf.Child("port"), p.Port.StrVal, msg))
				}
			}
		}
		for j, from := range in.From {
			ff := rule.Child("from").Index(j)
			set := 0
			if from.PodSelector != nil {
				set++
				errs = append(errs, metavalidation.ValidateLabelSelector(from.PodSelector, metavalidation.LabelSelectorValidationOptions{}, ff.Child("podSelector"))...)
			}
			if from.NamespaceSelector != nil {
				set++
				errs = append(errs, metavalidation.ValidateLabelSelector(from.NamespaceSelector, metavalidation.LabelSelectorValidationOptions{}, ff.Child("namespaceSelector"))...)
			}
			if from.IPBlock != nil {
				if set > 0 {
					errs = append(errs, field.Forbidden(ff, "ipBlock cannot be combined with pod or namespace selectors"))
				}
				set++
				errs = append(errs, validation.IsValidCIDR(ff.Child("ipBlock", "cidr"), from.IPBlock.CIDR)...)
			}
			if set == 0 {
				errs = append(errs, field.Required(ff, "must specify a peer"))
			}
		}
	}
	return errs
}
