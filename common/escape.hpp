#pragma once
// Control characters in text that came from the user (a value, a file name, a model string) are
// written as C-style escapes before they reach an error message: a raw newline, carriage return
// or bell would break the one-line error rule or garble the terminal that shows it.
#include <string>
#include <string_view>

namespace orrery {

// `text` with \n, \r and \t written as those two-character escapes and every other C0 control
// character and DEL as \xHH. Printable ASCII and bytes >= 0x80 (UTF-8) pass through unchanged.
inline std::string escape_control(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c != 0x7f) {
      out += ch;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

}  // namespace orrery
