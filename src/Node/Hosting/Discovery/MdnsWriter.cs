using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace P2P.Node.Hosting.Discovery;

/// <summary>
/// Encodes the two mDNS messages LAN discovery sends: a query (RFC 6762 §5.2) and a response (§6). Names are written
/// whole, without compression (allowed by RFC 1035 §4.1.4), and the message ID is zero (§18.1).
/// </summary>
public static class MdnsWriter
{
    /// <summary>A multicast query for <paramref name="name"/> of type <paramref name="type"/> (QM: answers are multicast).</summary>
    public static byte[] Query(string name, ushort type)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        WriteHeader(buffer, flags: 0, questions: 1, answers: 0, additionals: 0);
        WriteName(buffer, name);
        WriteUInt16(buffer, type);
        WriteUInt16(buffer, MdnsMessage.ClassIn);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// An authoritative response with <paramref name="answers"/> and <paramref name="additionals"/>. Only PTR and
    /// TXT records are written; a TXT record is unique to its owner, so it carries the cache-flush bit (§10.2).
    /// </summary>
    public static byte[] Response(IReadOnlyList<MdnsRecord> answers, IReadOnlyList<MdnsRecord> additionals)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        WriteHeader(buffer, flags: 0x8400, questions: 0, answers: answers.Count, additionals: additionals.Count);
        foreach (var record in answers.Concat(additionals))
            WriteRecord(buffer, record);
        if (buffer.WrittenCount > MdnsMessage.MaxBytes)
            throw new ArgumentException($"a response of {buffer.WrittenCount} bytes exceeds {MdnsMessage.MaxBytes}");
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteHeader(ArrayBufferWriter<byte> buffer, ushort flags, int questions, int answers, int additionals)
    {
        WriteUInt16(buffer, 0);
        WriteUInt16(buffer, flags);
        WriteUInt16(buffer, checked((ushort)questions));
        WriteUInt16(buffer, checked((ushort)answers));
        WriteUInt16(buffer, 0);
        WriteUInt16(buffer, checked((ushort)additionals));
    }

    private static void WriteRecord(ArrayBufferWriter<byte> buffer, MdnsRecord record)
    {
        WriteName(buffer, record.Name);
        WriteUInt16(buffer, record.Type);
        var cls = record.Type == MdnsMessage.TypeTxt ? MdnsMessage.ClassIn | MdnsMessage.TopBit : MdnsMessage.ClassIn;
        WriteUInt16(buffer, (ushort)cls);
        BinaryPrimitives.WriteUInt32BigEndian(buffer.GetSpan(4), record.Ttl);
        buffer.Advance(4);
        var data = new ArrayBufferWriter<byte>(256);
        if (record.Type == MdnsMessage.TypePtr)
            WriteName(data, record.PtrTarget ?? throw new ArgumentException("a PTR record needs a target", nameof(record)));
        else if (record.Type == MdnsMessage.TypeTxt)
            WriteTexts(data, record.Texts ?? throw new ArgumentException("a TXT record needs strings", nameof(record)));
        else
            throw new ArgumentException($"only PTR and TXT records are written, not type {record.Type}", nameof(record));
        WriteUInt16(buffer, checked((ushort)data.WrittenCount));
        buffer.Write(data.WrittenSpan);
    }

    private static void WriteTexts(ArrayBufferWriter<byte> buffer, IReadOnlyList<string> texts)
    {
        foreach (var text in texts)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            if (bytes.Length > byte.MaxValue)
                throw new ArgumentException($"a TXT string is at most 255 bytes, not {bytes.Length}", nameof(texts));
            buffer.Write([(byte)bytes.Length]);
            buffer.Write(bytes);
        }
    }

    private static void WriteName(ArrayBufferWriter<byte> buffer, string name)
    {
        var total = 1;
        foreach (var label in name.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var bytes = Encoding.UTF8.GetBytes(label);
            if (bytes.Length > 63)
                throw new ArgumentException($"label '{label}' is longer than 63 bytes", nameof(name));
            total += 1 + bytes.Length;
            buffer.Write([(byte)bytes.Length]);
            buffer.Write(bytes);
        }
        if (total > MdnsReader.MaxNameBytes)
            throw new ArgumentException($"name '{name}' is longer than {MdnsReader.MaxNameBytes} bytes", nameof(name));
        buffer.Write([(byte)0]);
    }

    private static void WriteUInt16(ArrayBufferWriter<byte> buffer, ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(buffer.GetSpan(2), value);
        buffer.Advance(2);
    }
}
