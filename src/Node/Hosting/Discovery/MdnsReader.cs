using System.Buffers.Binary;
using System.Text;

namespace P2P.Node.Hosting.Discovery;

/// <summary>
/// Decodes mDNS messages (RFC 1035 §4.1 wire format as RFC 6762 §18 constrains it). Written by hand because the
/// DNS package on NuGet that mDNS libraries build on (Makaretu.Dns 2.0.1) binds a SimpleBase version that is not
/// served, and the multicast service built on it fails to load on .NET 10 (see docs/nat/lan-discovery.md); LAN
/// discovery needs only questions, PTR and TXT. Every read checks its length first: a hostile packet costs at most
/// its own size in allocations and is refused with a one-line reason, never an exception.
/// </summary>
public static class MdnsReader
{
    /// <summary>More questions or records than this in one section and the packet is refused (avahi sends a handful).</summary>
    public const int MaxEntriesPerSection = 64;

    /// <summary>A name's wire length, labels and length bytes together (RFC 1035 §3.1).</summary>
    public const int MaxNameBytes = 255;

    /// <summary>Strings in one TXT record; DNS-SD services use a few (RFC 6763 §6.2).</summary>
    public const int MaxTextsPerRecord = 64;

    private const int HeaderBytes = 12;
    private const int MaxPointerJumps = 16;

    /// <summary>Decodes <paramref name="packet"/>; false with the reason when it is not a well-formed mDNS message.</summary>
    public static bool TryRead(ReadOnlySpan<byte> packet, out MdnsMessage? message, out string? error)
    {
        message = null;
        if (packet.Length > MdnsMessage.MaxBytes)
            return Fail($"{packet.Length} bytes, more than an mDNS message's {MdnsMessage.MaxBytes}", out error);
        if (packet.Length < HeaderBytes)
            return Fail($"{packet.Length} bytes, shorter than a DNS header", out error);
        var flags = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        // RFC 6762 §18.3 and §18.11: a non-zero opcode or response code is to be ignored.
        if ((flags & 0x7800) != 0 || (flags & 0x000F) != 0)
            return Fail($"opcode or response code not zero (flags 0x{flags:x4})", out error);
        Span<int> counts = stackalloc int[4];
        for (var i = 0; i < 4; i++)
        {
            counts[i] = BinaryPrimitives.ReadUInt16BigEndian(packet[(4 + 2 * i)..]);
            if (counts[i] > MaxEntriesPerSection)
                return Fail($"section {i} claims {counts[i]} entries, more than {MaxEntriesPerSection}", out error);
        }
        var pos = HeaderBytes;
        var questions = new List<MdnsQuestion>(counts[0]);
        for (var i = 0; i < counts[0]; i++)
        {
            if (!TryReadName(packet, ref pos, out var name, out error))
                return false;
            if (pos + 4 > packet.Length)
                return Fail("question runs past the end", out error);
            questions.Add(new MdnsQuestion(name, BinaryPrimitives.ReadUInt16BigEndian(packet[pos..])));
            pos += 4;
        }
        var records = new List<MdnsRecord>(counts[1] + counts[2] + counts[3]);
        for (var i = 0; i < counts[1] + counts[2] + counts[3]; i++)
        {
            if (!TryReadRecord(packet, ref pos, out var record, out error))
                return false;
            records.Add(record!);
        }
        message = new MdnsMessage((flags & 0x8000) != 0, questions, records);
        error = null;
        return true;
    }

    private static bool TryReadRecord(ReadOnlySpan<byte> packet, ref int pos, out MdnsRecord? record, out string? error)
    {
        record = null;
        if (!TryReadName(packet, ref pos, out var name, out error))
            return false;
        if (pos + 10 > packet.Length)
            return Fail("record header runs past the end", out error);
        var type = BinaryPrimitives.ReadUInt16BigEndian(packet[pos..]);
        var ttl = BinaryPrimitives.ReadUInt32BigEndian(packet[(pos + 4)..]);
        var length = BinaryPrimitives.ReadUInt16BigEndian(packet[(pos + 8)..]);
        var start = pos + 10;
        var end = start + length;
        if (end > packet.Length)
            return Fail($"record data of {length} bytes runs past the end", out error);
        record = new MdnsRecord(name, type, ttl);
        if (type == MdnsMessage.TypePtr)
        {
            var at = start;
            if (!TryReadName(packet, ref at, out var target, out error))
                return false;
            if (at != end)
                return Fail("PTR data is not exactly one name", out error);
            record = record with { PtrTarget = target };
        }
        else if (type == MdnsMessage.TypeTxt)
        {
            if (!TryReadTexts(packet[start..end], out var texts, out error))
                return false;
            record = record with { Texts = texts };
        }
        pos = end;
        error = null;
        return true;
    }

    /// <summary>TXT data: length-prefixed character-strings that fill it exactly (RFC 1035 §3.3.14).</summary>
    private static bool TryReadTexts(ReadOnlySpan<byte> data, out List<string>? texts, out string? error)
    {
        texts = [];
        var at = 0;
        while (at < data.Length)
        {
            var length = data[at];
            if (at + 1 + length > data.Length)
            {
                texts = null;
                return Fail("TXT string runs past its record", out error);
            }
            if (texts.Count == MaxTextsPerRecord)
            {
                texts = null;
                return Fail($"TXT record holds more than {MaxTextsPerRecord} strings", out error);
            }
            texts.Add(Encoding.UTF8.GetString(data.Slice(at + 1, length)));
            at += 1 + length;
        }
        error = null;
        return true;
    }

    /// <summary>
    /// Reads a name at <paramref name="pos"/>, following compression pointers (RFC 1035 §4.1.4). Every pointer must
    /// point before the labels being read, so a chain of them always ends; the labels' total is capped at 255 bytes.
    /// Labels are joined with dots as UTF-8 text (a label holding a dot is not escaped: the names compared here are
    /// our own service's, and a peer gains nothing by spelling one oddly).
    /// </summary>
    private static bool TryReadName(ReadOnlySpan<byte> packet, ref int pos, out string name, out string? error)
    {
        name = "";
        var text = new StringBuilder();
        var at = pos;
        var floor = pos;
        var jumped = false;
        var (jumps, bytes) = (0, 1);
        while (true)
        {
            if (at >= packet.Length)
                return Fail("name runs past the end", out error);
            var length = packet[at];
            if ((length & 0xC0) == 0xC0)
            {
                if (at + 1 >= packet.Length)
                    return Fail("compression pointer runs past the end", out error);
                var target = ((length & 0x3F) << 8) | packet[at + 1];
                if (target >= floor)
                    return Fail("compression pointer does not point backwards", out error);
                if (++jumps > MaxPointerJumps)
                    return Fail($"name follows more than {MaxPointerJumps} compression pointers", out error);
                if (!jumped)
                    pos = at + 2;
                jumped = true;
                floor = target;
                at = target;
                continue;
            }
            if ((length & 0xC0) != 0)
                return Fail($"label type 0x{length & 0xC0:x2} is reserved", out error);
            if (length == 0)
                break;
            bytes += 1 + length;
            if (bytes > MaxNameBytes)
                return Fail($"name longer than {MaxNameBytes} bytes", out error);
            if (at + 1 + length > packet.Length)
                return Fail("label runs past the end", out error);
            if (text.Length > 0)
                text.Append('.');
            text.Append(Encoding.UTF8.GetString(packet.Slice(at + 1, length)));
            at += 1 + length;
        }
        if (!jumped)
            pos = at + 1;
        name = text.ToString();
        error = null;
        return true;
    }

    private static bool Fail(string reason, out string? error)
    {
        error = reason;
        return false;
    }
}
