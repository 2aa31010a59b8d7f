#include "tools/npy.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <numeric>

#include "tools/usage_error.hpp"

namespace mxref::tools {

namespace {

constexpr std::string_view magic = "\x93NUMPY";

std::uint64_t little_endian(std::span<const std::uint8_t> bytes, std::size_t at, int size) {
  std::uint64_t v = 0;
  for (int i = size - 1; i >= 0; --i) v = v << 8 | bytes[at + static_cast<std::size_t>(i)];
  return v;
}

void put(std::vector<std::uint8_t>& out, std::uint64_t v, int size) {
  for (int i = 0; i < size; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

std::size_t item_size(const std::string& descr, const std::string& what) {
  if (descr.size() < 3 || (descr[0] != '<' && descr[0] != '|') ||
      (descr[1] != 'f' && descr[1] != 'u' && descr[1] != 'i' && descr[1] != 'V'))
    throw UsageError(what + ": unsupported dtype '" + descr + "' (little-endian numbers only)");
  std::size_t size = 0;
  for (std::size_t i = 2; i < descr.size(); ++i) {
    if (descr[i] < '0' || descr[i] > '9') throw UsageError(what + ": unsupported dtype '" + descr + "'");
    size = size * 10 + static_cast<std::size_t>(descr[i] - '0');
    if (size > 16) throw UsageError(what + ": unsupported dtype '" + descr + "'");
  }
  if (size == 0) throw UsageError(what + ": unsupported dtype '" + descr + "'");
  return size;
}

// The value text after 'key': in the header dict.
std::string_view field(std::string_view header, std::string_view key, const std::string& what) {
  // Appended piece by piece: `"literal" + std::string` trips GCC 12's bogus -Wrestrict.
  std::string quoted = "'";
  quoted.append(key).append("'");
  const std::size_t at = header.find(quoted);
  if (at == std::string_view::npos) throw UsageError(what + ": .npy header lacks " + quoted);
  std::string_view rest = header.substr(at + quoted.size());
  const std::size_t colon = rest.find(':');
  if (colon == std::string_view::npos) throw UsageError(what + ": malformed .npy header");
  rest.remove_prefix(colon + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  return rest;
}

std::uint32_t crc32(std::span<const std::uint8_t> bytes) {
  static const std::array<std::uint32_t, 256> table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xFFFFFFFFu;
  for (const std::uint8_t b : bytes) c = table[(c ^ b) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

}  // namespace

std::size_t NpyArray::count() const {
  return std::accumulate(shape.begin(), shape.end(), std::size_t{1}, std::multiplies<>());
}

namespace {

// The array's description from its header, and where its data starts; the data's size is checked.
NpyArray parse_header(std::span<const std::uint8_t> bytes, const std::string& what, std::size_t& payload) {
  if (bytes.size() < 10 || std::string_view(reinterpret_cast<const char*>(bytes.data()), 6) != magic)
    throw UsageError(what + ": not a .npy file");
  const int major = bytes[6];
  if (major < 1 || major > 3) throw UsageError(what + ": unsupported .npy version " + std::to_string(major));
  const int length_bytes = major == 1 ? 2 : 4;
  const std::size_t start = 8 + static_cast<std::size_t>(length_bytes);
  if (bytes.size() < start) throw UsageError(what + ": truncated .npy header");
  const std::size_t header_length = little_endian(bytes, 8, length_bytes);
  if (bytes.size() - start < header_length) throw UsageError(what + ": truncated .npy header");
  const std::string_view header(reinterpret_cast<const char*>(bytes.data() + start), header_length);
  NpyArray a;
  std::string_view descr = field(header, "descr", what);
  if (descr.empty() || descr.front() != '\'') throw UsageError(what + ": unsupported .npy dtype (structured?)");
  descr.remove_prefix(1);
  a.descr = std::string(descr.substr(0, descr.find('\'')));
  const std::string_view fortran = field(header, "fortran_order", what);
  if (fortran.starts_with("True"))
    throw UsageError(what + ": Fortran-order arrays are not supported (save a C-contiguous array)");
  if (!fortran.starts_with("False")) throw UsageError(what + ": malformed .npy header (fortran_order)");
  std::string_view shape = field(header, "shape", what);
  if (shape.empty() || shape.front() != '(' || shape.find(')') == std::string_view::npos)
    throw UsageError(what + ": malformed .npy shape");
  shape = shape.substr(1, shape.find(')') - 1);
  while (!shape.empty()) {
    while (!shape.empty() && (shape.front() == ' ' || shape.front() == ',')) shape.remove_prefix(1);
    if (shape.empty()) break;
    std::size_t dim = 0, digits = 0;
    while (!shape.empty() && shape.front() >= '0' && shape.front() <= '9') {
      dim = dim * 10 + static_cast<std::size_t>(shape.front() - '0');
      shape.remove_prefix(1);
      if (++digits > 15) throw UsageError(what + ": .npy dimension too large");
    }
    if (digits == 0) throw UsageError(what + ": malformed .npy shape");
    a.shape.push_back(dim);
  }
  const std::size_t size = item_size(a.descr, what);
  payload = start + header_length;
  // Checked by division first: a forged shape must not overflow the product. A zero dimension makes
  // the array empty whatever the others are (numpy writes (4, 0) with no data).
  std::size_t count = 0;
  if (std::find(a.shape.begin(), a.shape.end(), std::size_t{0}) == a.shape.end()) {
    count = 1;
    for (const std::size_t d : a.shape) {
      if (count > (bytes.size() - payload) / d) throw UsageError(what + ": data size does not match the .npy shape");
      count *= d;
    }
  }
  if (count > (bytes.size() - payload) / size || bytes.size() - payload != count * size)
    throw UsageError(what + ": data size does not match the .npy shape");
  return a;
}

}  // namespace

NpyArray parse_npy(std::span<const std::uint8_t> bytes, const std::string& what) {
  std::size_t payload = 0;
  NpyArray a = parse_header(bytes, what, payload);
  a.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(payload), bytes.end());
  return a;
}

NpyArray parse_npy(std::vector<std::uint8_t>&& bytes, const std::string& what) {
  std::size_t payload = 0;
  NpyArray a = parse_header(bytes, what, payload);
  bytes.erase(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(payload));
  a.data = std::move(bytes);
  return a;
}

std::vector<std::uint8_t> npy_header(const std::string& descr, const std::vector<std::size_t>& shape) {
  std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (";
  for (std::size_t i = 0; i < shape.size(); ++i) header += (i ? ", " : "") + std::to_string(shape[i]);
  header += shape.size() == 1 ? ",), }" : "), }";  // a 1-tuple needs its comma
  // Pad with spaces so that the data starts at a multiple of 64 bytes, ending the header with '\n'.
  const std::size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  std::vector<std::uint8_t> out(magic.begin(), magic.end());
  out.push_back(1);
  out.push_back(0);
  put(out, header.size(), 2);
  out.insert(out.end(), header.begin(), header.end());
  return out;
}

std::vector<std::uint8_t> npy_bytes(const NpyArray& a) {
  std::vector<std::uint8_t> out = npy_header(a.descr, a.shape);
  out.insert(out.end(), a.data.begin(), a.data.end());
  return out;
}

std::vector<std::uint8_t> npz_bytes(const std::map<std::string, NpyArray>& members) {
  std::vector<std::uint8_t> out, directory;
  for (const auto& [name, array] : members) {
    const std::vector<std::uint8_t> data = npy_bytes(array);
    if (data.size() >= 0xFFFFFFFFu || out.size() >= 0xFFFFFFFFu)
      throw UsageError("tensor too large for a .npz without ZIP64 (over 4 GiB)");
    const std::string file = name + ".npy";
    const std::uint32_t crc = crc32(data);
    const std::size_t offset = out.size();
    const auto header = [&](std::vector<std::uint8_t>& to, bool central) {
      put(to, central ? 0x02014b50 : 0x04034b50, 4);
      if (central) put(to, 20, 2);  // made by
      put(to, 20, 2);               // needed: 2.0
      put(to, 0, 2);                // flags
      put(to, 0, 2);                // stored
      put(to, 0, 2);                // time
      put(to, 0x21, 2);             // date: 1980-01-01
      put(to, crc, 4);
      put(to, data.size(), 4);
      put(to, data.size(), 4);
      put(to, file.size(), 2);
      put(to, 0, 2);  // extra
      if (central) {
        put(to, 0, 2);  // comment
        put(to, 0, 2);  // disk
        put(to, 0, 2);  // internal attributes
        put(to, 0, 4);  // external attributes
        put(to, offset, 4);
      }
      to.insert(to.end(), file.begin(), file.end());
    };
    header(out, false);
    out.insert(out.end(), data.begin(), data.end());
    header(directory, true);
  }
  const std::size_t directory_offset = out.size();
  out.insert(out.end(), directory.begin(), directory.end());
  put(out, 0x06054b50, 4);
  put(out, 0, 4);
  put(out, members.size(), 2);
  put(out, members.size(), 2);
  put(out, directory.size(), 4);
  put(out, directory_offset, 4);
  put(out, 0, 2);
  return out;
}

namespace {

UsageError npz_error(const std::string& what, const std::string& why) { return UsageError(what + ": " + why); }

// Where the zip directory starts and how many entries it has, from the end-of-directory record (searched
// back over a trailing comment) or, where that record's fields are saturated, the ZIP64 record it points to.
struct ZipDirectory {
  std::uint64_t entries = 0;
  std::uint64_t at = 0;
};

ZipDirectory zip_directory(std::span<const std::uint8_t> bytes, const std::string& what) {
  if (bytes.size() < 22) throw npz_error(what, "not a .npz file");
  std::size_t end = bytes.size() - 22;
  while (little_endian(bytes, end, 4) != 0x06054b50) {
    if (end == 0 || bytes.size() - end > 22 + 65535) throw npz_error(what, "not a .npz file (no zip directory)");
    --end;
  }
  ZipDirectory d{little_endian(bytes, end + 10, 2), little_endian(bytes, end + 16, 4)};
  if (d.at == 0xFFFFFFFFu || d.entries == 0xFFFF) {  // ZIP64: the locator sits just before the record
    if (end < 20 || little_endian(bytes, end - 20, 4) != 0x07064b50) throw npz_error(what, "malformed ZIP64 directory");
    const std::uint64_t record = little_endian(bytes, end - 12, 8);
    if (record > bytes.size() || bytes.size() - record < 56 || little_endian(bytes, record, 4) != 0x06064b50)
      throw npz_error(what, "malformed ZIP64 record");
    d.entries = little_endian(bytes, record + 32, 8);
    d.at = little_endian(bytes, record + 48, 8);
  }
  return d;
}

// One entry of the zip directory: what it says of its member.
struct ZipEntry {
  std::string name;
  std::uint32_t crc = 0;
  std::uint64_t size = 0;    // compressed, equal to uncompressed when stored
  std::uint64_t offset = 0;  // of the member's local header
  std::size_t length = 0;    // of the entry itself, to the next one
};

// ZIP64 extra field (id 1): the 64-bit uncompressed size, compressed size and offset, in that order, each
// present only where its 32-bit field is saturated. (np.savez forces ZIP64 in the local headers; Python's
// zipfile adds it to the directory only for members past 4 GiB.)
void read_zip64_extra(std::span<const std::uint8_t> bytes, std::size_t x, std::size_t extra_end, bool long_uncompressed,
                      ZipEntry& entry, const std::string& what) {
  while (x + 4 <= extra_end) {
    const std::size_t id = little_endian(bytes, x, 2), length = little_endian(bytes, x + 2, 2);
    if (x + 4 + length > extra_end) throw npz_error(what, "malformed zip extra field");
    if (id == 1) {
      std::size_t y = x + 4;
      const auto next = [&]() {
        if (y + 8 > x + 4 + length) throw npz_error(what, "malformed ZIP64 extra field");
        y += 8;
        return little_endian(bytes, y - 8, 8);
      };
      if (long_uncompressed) (void)next();
      if (entry.size == 0xFFFFFFFFu) entry.size = next();
      if (entry.offset == 0xFFFFFFFFu) entry.offset = next();
    }
    x += 4 + length;
  }
}

ZipEntry zip_entry(std::span<const std::uint8_t> bytes, std::uint64_t at, const std::string& what) {
  if (at > bytes.size() || bytes.size() - at < 46 || little_endian(bytes, at, 4) != 0x02014b50)
    throw npz_error(what, "malformed zip directory");
  if (little_endian(bytes, at + 10, 2) != 0)
    throw npz_error(what, "compressed members are not supported (use np.savez)");
  ZipEntry entry;
  entry.crc = static_cast<std::uint32_t>(little_endian(bytes, at + 16, 4));
  entry.size = little_endian(bytes, at + 20, 4);
  const bool long_uncompressed = little_endian(bytes, at + 24, 4) == 0xFFFFFFFFu;
  entry.offset = little_endian(bytes, at + 42, 4);
  const std::size_t name_length = little_endian(bytes, at + 28, 2);
  const std::size_t extra_length = little_endian(bytes, at + 30, 2);
  const std::size_t comment_length = little_endian(bytes, at + 32, 2);
  if (at + 46 + name_length + extra_length > bytes.size()) throw npz_error(what, "malformed zip directory");
  entry.name.assign(reinterpret_cast<const char*>(bytes.data() + at + 46), name_length);
  read_zip64_extra(bytes, at + 46 + name_length, at + 46 + name_length + extra_length, long_uncompressed, entry, what);
  entry.length = 46 + name_length + extra_length + comment_length;
  return entry;
}

// The member's stored bytes, after its local header, checked against the directory's CRC.
std::span<const std::uint8_t> member_bytes(std::span<const std::uint8_t> bytes, const ZipEntry& entry,
                                           const std::string& what) {
  const std::uint64_t offset = entry.offset;
  if (offset > bytes.size() || bytes.size() - offset < 30 || little_endian(bytes, offset, 4) != 0x04034b50)
    throw npz_error(what, "malformed zip member");
  const std::uint64_t data = offset + 30 + little_endian(bytes, offset + 26, 2) + little_endian(bytes, offset + 28, 2);
  if (data > bytes.size() || bytes.size() - data < entry.size)
    throw npz_error(what, "truncated zip member '" + entry.name + "'");
  const std::span<const std::uint8_t> member = bytes.subspan(data, entry.size);
  if (crc32(member) != entry.crc) throw npz_error(what, "corrupt zip member '" + entry.name + "' (CRC mismatch)");
  return member;
}

}  // namespace

std::map<std::string, NpyArray> parse_npz(std::span<const std::uint8_t> bytes, const std::string& what) {
  const ZipDirectory directory = zip_directory(bytes, what);
  std::map<std::string, NpyArray> out;
  std::uint64_t at = directory.at;
  for (std::uint64_t e = 0; e < directory.entries; ++e) {
    const ZipEntry entry = zip_entry(bytes, at, what);
    const std::span<const std::uint8_t> member = member_bytes(bytes, entry, what);
    const std::string& name = entry.name;
    const std::string key = name.ends_with(".npy") ? name.substr(0, name.size() - 4) : name;
    out[key] = parse_npy(member, what + ":" + name);
    at += entry.length;
  }
  return out;
}

}  // namespace mxref::tools
