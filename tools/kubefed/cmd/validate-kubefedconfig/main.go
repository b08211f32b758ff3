// Command validate-kubefedconfig checks a KubeFedConfig exactly as the KubeFed controller-manager
// does before it starts, so kfed can prove its plane configuration offline.
//
// It reads one KubeFedConfig (YAML or JSON) on stdin, decodes it the way the controller decodes
// its --kubefed-config file, applies the only change the controller makes before validating
// (the scope from DEFAULT_KUBEFED_SCOPE, when that variable is set), and runs the module's own
// validation.ValidateKubeFedConfig. The admission webhook's defaulting is deliberately not
// applied: the controller does not apply it either, and kfed installs no webhook.
//
// Exit codes: 0 valid; 1 invalid (one error per line on stderr, as the controller words them);
// 2 unreadable input.
package main

import (
	"fmt"
	"os"
	"runtime/debug"

	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/util/yaml"

	corev1b1 "sigs.k8s.io/kubefed/pkg/apis/core/v1beta1"
	"sigs.k8s.io/kubefed/pkg/apis/core/v1beta1/validation"
)

const kubefedModule = "sigs.k8s.io/kubefed"

func main() {
	if len(os.Args) == 2 && os.Args[1] == "--version" {
		fmt.Printf("validate-kubefedconfig (%s %s)\n", kubefedModule, kubefedVersion())
		return
	}
	if len(os.Args) != 1 {
		fmt.Fprintln(os.Stderr, "usage: validate-kubefedconfig < kubefedconfig.yaml   (or --version)")
		os.Exit(2)
	}

	config := &corev1b1.KubeFedConfig{}
	if err := yaml.NewYAMLToJSONDecoder(os.Stdin).Decode(config); err != nil {
		fmt.Fprintf(os.Stderr, "cannot decode a KubeFedConfig from stdin: %v\n", err)
		os.Exit(2)
	}
	if config.Kind != "KubeFedConfig" {
		fmt.Fprintf(os.Stderr, "expected kind KubeFedConfig, got %q\n", config.Kind)
		os.Exit(2)
	}
	if err := applyDefaultScope(config); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}

	name := config.Namespace + "/" + config.Name
	errs := validation.ValidateKubeFedConfig(config, nil)
	if len(errs) != 0 {
		fmt.Fprintf(os.Stderr, "invalid KubeFedConfig %q:\n", name)
		for _, err := range errs {
			fmt.Fprintln(os.Stderr, err.Error())
		}
		os.Exit(1)
	}
	fmt.Printf("valid KubeFedConfig %q\n", name)
}

// applyDefaultScope mirrors the controller's setDefaultKubeFedConfigScope
// (cmd/controller-manager/app/controller-manager.go): DEFAULT_KUBEFED_SCOPE, when set, overrides
// the scope, and any other value than Cluster or Namespaced is fatal.
func applyDefaultScope(config *corev1b1.KubeFedConfig) error {
	scope := os.Getenv("DEFAULT_KUBEFED_SCOPE")
	if scope == "" {
		return nil
	}
	if scope != string(apiextv1.ClusterScoped) && scope != string(apiextv1.NamespaceScoped) {
		return fmt.Errorf("DEFAULT_KUBEFED_SCOPE must be one of %s or %s; got %q", apiextv1.ClusterScoped, apiextv1.NamespaceScoped, scope)
	}
	config.Spec.Scope = apiextv1.ResourceScope(scope)
	return nil
}

// kubefedVersion is the version of the kubefed module this binary was built against, so the
// validation it runs is known to be the pinned release's.
func kubefedVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	for _, dep := range info.Deps {
		if dep.Path == kubefedModule {
			return dep.Version
		}
	}
	return "unknown"
}
