#include "exporters/blackbox/dns_message.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>

#include "exporters/blackbox/config.h"

namespace cairn::blackbox {
namespace {

class Reader {
 public:
  explicit Reader(std::string_view wire) : wire_(wire) {}
  bool U8(uint8_t* v) {
    if (pos_ + 1 > wire_.size()) return false;
    *v = static_cast<uint8_t>(wire_[pos_++]);
    return true;
  }
  bool U16(uint16_t* v) {
    if (pos_ + 2 > wire_.size()) return false;
    *v = static_cast<uint16_t>((uint8_t(wire_[pos_]) << 8) | uint8_t(wire_[pos_ + 1]));
    pos_ += 2;
    return true;
  }
  bool U32(uint32_t* v) {
    uint16_t hi, lo;
    if (!U16(&hi) || !U16(&lo)) return false;
    *v = (uint32_t{hi} << 16) | lo;
    return true;
  }
  // A possibly compressed name at the current position, in presentation form.
  bool Name(std::string* out) { return NameAt(pos_, out, true); }
  bool NameAt(size_t at, std::string* out, bool advance) {
    out->clear();
    size_t p = at;
    int jumps = 0;
    size_t end_after_first_jump = 0;
    bool jumped = false;
    for (;;) {
      if (p >= wire_.size()) return false;
      uint8_t len = static_cast<uint8_t>(wire_[p]);
      if ((len & 0xC0) == 0xC0) {
        if (p + 1 >= wire_.size() || ++jumps > 64) return false;
        if (!jumped) end_after_first_jump = p + 2;
        jumped = true;
        p = ((len & 0x3F) << 8) | uint8_t(wire_[p + 1]);
        continue;
      }
      if ((len & 0xC0) != 0) return false;
      ++p;
      if (len == 0) break;
      if (p + len > wire_.size()) return false;
      AppendLabel(wire_.substr(p, len), out);
      p += len;
      if (out->size() > 1024) return false;
    }
    if (out->empty()) *out = ".";
    if (advance) pos_ = jumped ? end_after_first_jump : p;
    return true;
  }
  bool Skip(size_t n) {
    if (pos_ + n > wire_.size()) return false;
    pos_ += n;
    return true;
  }
  size_t pos() const { return pos_; }
  std::string_view wire() const { return wire_; }

  // miekg/dns's escaping of a label's bytes in presentation form.
  static void AppendLabel(std::string_view label, std::string* out) {
    for (unsigned char c : label) {
      switch (c) {
        case '.': case ' ': case '\'': case '@': case ';': case '(': case ')': case '"': case '\\': case '$':
          *out += '\\';
          *out += static_cast<char>(c);
          break;
        default:
          if (c < 0x21 || c > 0x7E) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\%03u", c);
            *out += buf;
          } else {
            *out += static_cast<char>(c);
          }
      }
    }
    *out += '.';
  }

 private:
  std::string_view wire_;
  size_t pos_ = 0;
};

std::string TxtString(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c > 0x7E) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03u", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// RDATA in presentation form; `r` is positioned at the RDATA of `len` bytes.
bool RdataText(Reader& r, uint16_t type, uint16_t len, DnsRecord* rec) {
  size_t start = r.pos();
  size_t end = start + len;
  if (end > r.wire().size()) return false;
  std::string_view rdata = r.wire().substr(start, len);
  std::string name;
  auto names_only = [&](int count, std::string* out) {
    for (int i = 0; i < count; ++i) {
      if (!r.Name(&name) || r.pos() > end) return false;
      if (i) *out += ' ';
      *out += name;
    }
    return true;
  };
  std::string& out = rec->rdata_text;
  switch (type) {
    case 1: {  // A
      if (len != 4) break;
      char buf[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, rdata.data(), buf, sizeof buf);
      out = buf;
      return r.Skip(len);
    }
    case 28: {  // AAAA
      if (len != 16) break;
      char buf[INET6_ADDRSTRLEN];
      inet_ntop(AF_INET6, rdata.data(), buf, sizeof buf);
      out = buf;
      return r.Skip(len);
    }
    case 2: case 5: case 12: case 39:  // NS, CNAME, PTR, DNAME
      return names_only(1, &out) && r.pos() == end;
    case 15: {  // MX
      uint16_t pref;
      if (!r.U16(&pref)) return false;
      out = std::to_string(pref) + " ";
      return names_only(1, &out) && r.pos() == end;
    }
    case 6: {  // SOA
      if (!names_only(2, &out)) return false;
      uint32_t v[5];
      for (auto& x : v)
        if (!r.U32(&x)) return false;
      rec->soa_serial = v[0];
      for (auto x : v) out += " " + std::to_string(x);
      return r.pos() == end;
    }
    case 33: {  // SRV
      uint16_t prio, weight, port;
      if (!r.U16(&prio) || !r.U16(&weight) || !r.U16(&port)) return false;
      out = std::to_string(prio) + " " + std::to_string(weight) + " " + std::to_string(port) + " ";
      return names_only(1, &out) && r.pos() == end;
    }
    case 16: case 99: {  // TXT, SPF
      size_t p = 0;
      while (p < rdata.size()) {
        size_t n = uint8_t(rdata[p]);
        if (p + 1 + n > rdata.size()) return false;
        if (!out.empty()) out += ' ';
        out += TxtString(rdata.substr(p + 1, n));
        p += 1 + n;
      }
      return r.Skip(len);
    }
    default:
      break;
  }
  // RFC 3597's generic form, as miekg/dns prints types it has no struct for.
  out = "\\# " + std::to_string(len);
  if (len > 0) {
    out += ' ';
    static const char* kHex = "0123456789abcdef";
    for (unsigned char c : rdata) {
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return r.Skip(len);
}

bool Section(Reader& r, uint16_t count, std::vector<DnsRecord>* out) {
  for (uint16_t i = 0; i < count; ++i) {
    DnsRecord rec;
    uint16_t rdlen;
    if (!r.Name(&rec.name) || !r.U16(&rec.type) || !r.U16(&rec.rr_class) || !r.U32(&rec.ttl) || !r.U16(&rdlen))
      return false;
    if (!RdataText(r, rec.type, rdlen, &rec)) return false;
    out->push_back(std::move(rec));
  }
  return true;
}

}  // namespace

std::string DnsTypeString(uint16_t type) {
  static const std::pair<uint16_t, const char*> kNames[] = {
      {1, "A"},     {2, "NS"},     {5, "CNAME"}, {6, "SOA"},    {12, "PTR"},  {13, "HINFO"}, {15, "MX"},
      {16, "TXT"},  {28, "AAAA"},  {29, "LOC"},  {33, "SRV"},   {35, "NAPTR"}, {39, "DNAME"}, {41, "OPT"},
      {43, "DS"},   {44, "SSHFP"}, {46, "RRSIG"}, {47, "NSEC"}, {48, "DNSKEY"}, {50, "NSEC3"}, {52, "TLSA"},
      {64, "SVCB"}, {65, "HTTPS"}, {99, "SPF"},  {251, "IXFR"}, {252, "AXFR"}, {255, "ANY"},  {257, "CAA"}};
  for (const auto& [t, n] : kNames)
    if (t == type) return n;
  return "TYPE" + std::to_string(type);
}

std::string DnsClassString(uint16_t cls) {
  switch (cls) {
    case 1: return "IN";
    case 2: return "CS";
    case 3: return "CH";
    case 4: return "HS";
    case 254: return "NONE";
    case 255: return "ANY";
    default: return "CLASS" + std::to_string(cls);
  }
}

std::string DnsRcodeString(int rcode) {
  static const char* kNames[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
                                 "YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE"};
  if (rcode >= 0 && rcode < static_cast<int>(std::size(kNames))) return kNames[rcode];
  return "RCODE" + std::to_string(rcode);
}

std::string DnsRecord::String() const {
  return name + "\t" + std::to_string(ttl) + "\t" + DnsClassString(rr_class) + "\t" + DnsTypeString(type) + "\t" +
         rdata_text;
}

std::string EncodeDnsQuery(uint16_t id, std::string_view name, uint16_t type, uint16_t qclass, bool recursion_desired) {
  std::string out;
  auto u16 = [&](uint16_t v) {
    out += static_cast<char>(v >> 8);
    out += static_cast<char>(v & 0xFF);
  };
  u16(id);
  u16(recursion_desired ? 0x0100 : 0);
  u16(1);
  u16(0);
  u16(0);
  u16(0);
  // Labels split on unescaped dots; "\." and "\DDD" escapes as in presentation form.
  std::string label;
  auto flush = [&] {
    if (label.empty()) return;
    out += static_cast<char>(std::min<size_t>(label.size(), 63));
    out += label.substr(0, 63);
    label.clear();
  };
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c == '\\' && i + 1 < name.size()) {
      if (i + 3 < name.size() && std::isdigit(static_cast<unsigned char>(name[i + 1]))) {
        label += static_cast<char>(std::stoi(std::string(name.substr(i + 1, 3))));
        i += 3;
      } else {
        label += name[++i];
      }
    } else if (c == '.') {
      flush();
    } else {
      label += c;
    }
  }
  flush();
  out += '\0';
  u16(type);
  u16(qclass);
  return out;
}

Result<DnsMessage> DecodeDnsMessage(std::string_view wire) {
  Reader r(wire);
  DnsMessage m;
  uint16_t flags, qd, an, ns, ar;
  if (!r.U16(&m.id) || !r.U16(&flags) || !r.U16(&qd) || !r.U16(&an) || !r.U16(&ns) || !r.U16(&ar))
    return Status::Corruption("dns: overflow unpacking uint16");
  m.response = (flags & 0x8000) != 0;
  m.truncated = (flags & 0x0200) != 0;
  m.rcode = flags & 0x000F;
  for (uint16_t i = 0; i < qd; ++i) {
    std::string name;
    uint16_t t, c;
    if (!r.Name(&name) || !r.U16(&t) || !r.U16(&c)) return Status::Corruption("dns: bad question");
  }
  if (!Section(r, an, &m.answer) || !Section(r, ns, &m.authority) || !Section(r, ar, &m.additional))
    return Status::Corruption("dns: bad rdata");
  // The extended rcode of an OPT record joins the header's four bits (RFC 6891).
  for (const auto& rec : m.additional)
    if (rec.type == 41) m.rcode |= static_cast<int>((rec.ttl >> 24) & 0xFF) << 4;
  return m;
}

}  // namespace cairn::blackbox
