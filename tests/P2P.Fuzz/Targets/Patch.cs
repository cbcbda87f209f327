namespace P2P.Fuzz.Targets;

/// <summary>
/// Structure-aware inputs for the authenticated messages: with the first byte odd, the rest of the input is
/// XORed onto a genuine message (extra bytes extend it), so small inputs explore near-valid messages that a
/// random byte string would never reach; with it even, the rest is sent as it is.
/// </summary>
internal static class Patch
{
    public static byte[] Apply(ReadOnlySpan<byte> input, byte[] genuine, out bool patched)
    {
        if (input.IsEmpty || (input[0] & 1) == 0)
        {
            patched = true;
            return input.IsEmpty ? [] : input[1..].ToArray();
        }
        var mask = input[1..];
        var result = new byte[Math.Max(genuine.Length, mask.Length)];
        genuine.CopyTo(result, 0);
        for (var i = 0; i < mask.Length; i++)
            result[i] ^= mask[i];
        patched = !result.AsSpan().SequenceEqual(genuine);
        return result;
    }

    /// <summary>Seeds: the genuine message untouched, one bit flipped at a few places, and the raw form.</summary>
    public static IEnumerable<byte[]> Seeds(int length)
    {
        yield return [1];
        foreach (var at in new[] { 0, 1, 2, 33, 34, length - 1 })
        {
            var seed = new byte[1 + at + 1];
            seed[0] = 1;
            seed[^1] = 0x01;
            yield return seed;
        }
        yield return [0, .. new byte[length]];
    }
}
