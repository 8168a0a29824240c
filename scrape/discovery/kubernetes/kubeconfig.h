// Reads a kubeconfig file (kubeconfig_file) the way client-go's
// clientcmd.BuildConfigFromFlags("", path) does for the parts Cairn can
// honour: the current context's cluster (server, certificate-authority[-data],
// insecure-skip-tls-verify, tls-server-name) and user (token, tokenFile,
// username/password, client-certificate[-data], client-key[-data]). Relative
// paths are relative to the kubeconfig's directory. exec and auth-provider
// plugins are Unsupported: Cairn runs no credential plugins.
// Thread-safety: a pure function over the file system.
#pragma once

#include <string>

#include "scrape/http/http_config.h"
#include "util/status.h"

namespace cairn::scrape::discovery::kubernetes {

struct KubeconfigTarget {
  std::string server;                  // the API server URL
  http::HttpClientConfig http_client;  // its credentials and TLS settings
};

// Errors: IOError (unreadable file), InvalidArgument (bad YAML, no current
// context, unknown cluster or user, bad base64), Unsupported (plugins).
Result<KubeconfigTarget> LoadKubeconfig(const std::string& path);

}  // namespace cairn::scrape::discovery::kubernetes
