namespace P2P.Node.Multiformats;

/// <summary>Unsigned LEB128 varints as the multiformats spec defines them (at most 9 bytes, minimal encoding).</summary>
public static class Varint
{
    /// <summary>The multiformats spec caps varints at 9 bytes (63 bits).</summary>
    public const int MaxLength = 9;

    public static int SizeOf(ulong value)
    {
        var n = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            n++;
        }
        return n;
    }

    public static int Write(Span<byte> destination, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        destination[i++] = (byte)value;
        return i;
    }

    /// <summary>Reads a varint; returns false on truncation, overlong (non-minimal) encoding or more than 9 bytes.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out ulong value, out int length)
    {
        value = 0;
        length = 0;
        for (var i = 0; i < source.Length && i < MaxLength; i++)
        {
            var b = source[i];
            value |= (ulong)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                // A trailing zero byte after the first means the encoding was not minimal.
                if (b == 0 && i > 0)
                {
                    value = 0;
                    return false;
                }
                length = i + 1;
                return true;
            }
        }
        value = 0;
        return false;
    }
}
