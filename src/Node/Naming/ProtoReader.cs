namespace P2P.Node.Naming;

/// <summary>
/// Reads protobuf wire format field by field for the two tiny messages of this folder (libp2p's key messages and
/// IPNS's IpnsEntry). Hand-written, as <see cref="Content.DagPb.ProtoWriter"/> is: nine fields do not warrant a
/// generated-code package, and a hand reader checks each length against what is left before it slices.
/// Every method returns false on malformed input instead of throwing: records come from the network.
/// </summary>
internal ref struct ProtoReader(ReadOnlySpan<byte> source)
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    private readonly ReadOnlySpan<byte> _source = source;
    private int _position;

    public readonly bool AtEnd => _position >= _source.Length;

    /// <summary>The next field's number and wire type; false when the key is malformed or names field 0.</summary>
    public bool TryReadKey(out int field, out int wireType)
    {
        field = 0;
        wireType = 0;
        if (!TryReadVarint(out var key) || key >> 3 is 0 or > int.MaxValue)
            return false;
        field = (int)(key >> 3);
        wireType = (int)(key & 7);
        return true;
    }

    /// <summary>A varint of at most 10 bytes whose value fits 64 bits.</summary>
    public bool TryReadVarint(out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _source.Length)
                return false;
            var b = _source[_position++];
            if (shift == 63 && b > 1)
                return false;
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                return true;
        }
        return false;
    }

    /// <summary>A length-delimited field's body, checked against the bytes left before it is sliced.</summary>
    public bool TryReadBytes(out ReadOnlySpan<byte> value)
    {
        value = default;
        if (!TryReadVarint(out var length) || length > (ulong)(_source.Length - _position))
            return false;
        value = _source.Slice(_position, (int)length);
        _position += (int)length;
        return true;
    }

    /// <summary>Skips a field of a type this reader's callers do not expect (protobuf's rule for unknown fields).</summary>
    public bool TrySkip(int wireType)
    {
        switch (wireType)
        {
            case Varint:
                return TryReadVarint(out _);
            case LengthDelimited:
                return TryReadBytes(out _);
            case Fixed64:
                return Advance(8);
            case Fixed32:
                return Advance(4);
            default:
                // Groups (3, 4) are deprecated and never appear in these messages.
                return false;
        }
    }

    private bool Advance(int count)
    {
        if (_source.Length - _position < count)
            return false;
        _position += count;
        return true;
    }
}
