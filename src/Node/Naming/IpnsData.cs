using System.Formats.Cbor;

namespace P2P.Node.Naming;

/// <summary>
/// The signed part of an IPNS record, <c>IpnsEntry.data</c> (IPNS spec, "Record Creation"): a DAG-CBOR map of
/// <c>Value</c> (bytes), <c>Validity</c> (bytes: RFC 3339 text), <c>ValidityType</c> (0 = EOL), <c>Sequence</c> and
/// <c>TTL</c> (nanoseconds). System.Formats.Cbor (part of the shared framework) writes it: its canonical mode gives the shortest integer heads and
/// definite lengths DAG-CBOR requires, and the keys are written in DAG-CBOR's order (length first, then bytewise:
/// TTL, Value, Sequence, Validity, ValidityType), which the writer checks. Reading accepts the fields in any order,
/// ignores fields it does not know (the spec's extensible data) and refuses a duplicated key.
/// </summary>
internal sealed record IpnsData(byte[] Value, byte[] Validity, ulong ValidityType, ulong Sequence, ulong Ttl)
{
    public const string ValueKey = "Value";
    public const string ValidityKey = "Validity";
    public const string ValidityTypeKey = "ValidityType";
    public const string SequenceKey = "Sequence";
    public const string TtlKey = "TTL";

    public byte[] Encode()
    {
        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteStartMap(5);
        writer.WriteTextString(TtlKey);
        writer.WriteUInt64(Ttl);
        writer.WriteTextString(ValueKey);
        writer.WriteByteString(Value);
        writer.WriteTextString(SequenceKey);
        writer.WriteUInt64(Sequence);
        writer.WriteTextString(ValidityKey);
        writer.WriteByteString(Validity);
        writer.WriteTextString(ValidityTypeKey);
        writer.WriteUInt64(ValidityType);
        writer.WriteEndMap();
        return writer.Encode();
    }

    /// <summary>Decodes the map; false with a one-line reason when it is not CBOR, lacks a field or has a wrong type.</summary>
    public static bool TryDecode(ReadOnlyMemory<byte> cbor, out IpnsData? data, out string error)
    {
        data = null;
        byte[]? value = null, validity = null;
        ulong? validityType = null, sequence = null, ttl = null;
        try
        {
            // Strict: well-formed, valid UTF-8 keys, no duplicate keys (two Values could mean two things to two readers).
            var reader = new CborReader(cbor, CborConformanceMode.Strict);
            if (reader.PeekState() != CborReaderState.StartMap)
            {
                error = "record data is not a CBOR map";
                return false;
            }
            var count = reader.ReadStartMap();
            for (var i = 0; count is null ? reader.PeekState() != CborReaderState.EndMap : i < count; i++)
            {
                if (reader.PeekState() != CborReaderState.TextString)
                {
                    error = "record data has a key that is not a string";
                    return false;
                }
                switch (reader.ReadTextString())
                {
                    case ValueKey: value = ReadBytes(reader, ValueKey); break;
                    case ValidityKey: validity = ReadBytes(reader, ValidityKey); break;
                    case ValidityTypeKey: validityType = ReadUnsigned(reader, ValidityTypeKey); break;
                    case SequenceKey: sequence = ReadUnsigned(reader, SequenceKey); break;
                    case TtlKey: ttl = ReadUnsigned(reader, TtlKey); break;
                    default: reader.SkipValue(); break;
                }
            }
            reader.ReadEndMap();
            if (reader.BytesRemaining != 0)
            {
                error = "record data has bytes after its CBOR map";
                return false;
            }
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or FormatException)
        {
            error = $"record data is not valid DAG-CBOR: {e.Message}";
            return false;
        }
        var missing = value is null ? ValueKey : validity is null ? ValidityKey : validityType is null ? ValidityTypeKey
            : sequence is null ? SequenceKey : ttl is null ? TtlKey : null;
        if (missing is not null)
        {
            error = $"record data has no {missing}";
            return false;
        }
        data = new IpnsData(value!, validity!, validityType!.Value, sequence!.Value, ttl!.Value);
        error = "";
        return true;
    }

    private static byte[] ReadBytes(CborReader reader, string key) =>
        reader.PeekState() == CborReaderState.ByteString
            ? reader.ReadByteString()
            : throw new FormatException($"{key} is not a byte string");

    private static ulong ReadUnsigned(CborReader reader, string key) =>
        reader.PeekState() == CborReaderState.UnsignedInteger
            ? reader.ReadUInt64()
            : throw new FormatException($"{key} is not an unsigned integer");
}
