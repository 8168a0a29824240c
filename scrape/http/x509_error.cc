#include "scrape/http/x509_error.h"

#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>

#include <memory>

namespace cairn::scrape::http {
namespace {

using GeneralNames = std::unique_ptr<GENERAL_NAMES, decltype([](GENERAL_NAMES* n) { GENERAL_NAMES_free(n); })>;

std::string IpText(const ASN1_OCTET_STRING* ip) {
  const unsigned char* p = ASN1_STRING_get0_data(ip);
  const int n = ASN1_STRING_length(ip);
  if (n == 4) return boost::asio::ip::address_v4({p[0], p[1], p[2], p[3]}).to_string();
  if (n == 16) {
    boost::asio::ip::address_v6::bytes_type b;
    std::copy(p, p + 16, b.begin());
    return boost::asio::ip::address_v6(b).to_string();
  }
  return {};
}

// Go's HostnameError: which names (or IPs, when an IP was wanted) the
// certificate is valid for.
std::string HostnameMismatch(X509* cert, const std::string& wanted) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(wanted, ec);
  const bool want_ip = !ec;
  std::string valid;
  bool has_ip = false;
  if (cert) {
    GeneralNames names(static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
    for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
      const GENERAL_NAME* n = sk_GENERAL_NAME_value(names.get(), i);
      std::string text;
      if (want_ip && n->type == GEN_IPADD) {
        has_ip = true;
        text = IpText(n->d.iPAddress);
      } else if (!want_ip && n->type == GEN_DNS) {
        text.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(n->d.dNSName)),
                    static_cast<size_t>(ASN1_STRING_length(n->d.dNSName)));
      }
      if (text.empty()) continue;
      if (!valid.empty()) valid += ", ";
      valid += text;
    }
  }
  if (want_ip && !has_ip) {
    return "x509: cannot validate certificate for " + wanted + " because it doesn't contain any IP SANs";
  }
  if (valid.empty()) return "x509: certificate is not valid for any names, but wanted to match " + wanted;
  return "x509: certificate is valid for " + valid + ", not " + wanted;
}

}  // namespace

std::string X509ErrorText(long verify_result, X509* server_cert, const std::string& wanted_name) {
  switch (verify_result) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_CERT_UNTRUSTED:
      return "x509: certificate signed by unknown authority";
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      return HostnameMismatch(server_cert, wanted_name);
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "x509: certificate has expired or is not yet valid";
    default:
      return std::string("x509: ") + X509_verify_cert_error_string(verify_result);
  }
}

}  // namespace cairn::scrape::http
