using P2P.Node.Content.Car;
using P2P.Node.Multiformats;

namespace P2P.Fuzz.Tests;

/// <summary>
/// One test per bug the fuzzers found (the inputs are also under tests/fuzz-corpus/&lt;target&gt;/regress-*,
/// which <see cref="FuzzTargetTests"/> replays). docs/FUZZING.md lists each finding.
/// </summary>
public sealed class RegressionTests
{
    // multibase: base32 text whose last group is 1, 3 or 6 characters was accepted and decoded to the same
    // bytes as the text without its last character, so one CID had several spellings (kubo refuses them).
    [Theory]
    [InlineData("ba")]
    [InlineData("bfbswy3dpa")]
    [InlineData("BJBCUYTBIA")]
    [InlineData("bmfr")]
    [InlineData("bmfrggz")]
    public void Multibase_Base32WithImpossibleLength_Rejected(string text)
    {
        Assert.Null(Multibase.TryDecode(text, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Cid_TextWithExtraBase32Character_Rejected()
    {
        var cid = Cid.V1(Multicodec.Raw, Multihash.Sha256("x"u8)).ToString();

        Assert.True(Cid.TryParse(cid, out _, out _));
        Assert.False(Cid.TryParse(cid + "a", out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Theory]
    [InlineData("b")]
    [InlineData("bme")]
    [InlineData("bmfra")]
    [InlineData("bmfrgg")]
    [InlineData("bmfrggza")]
    [InlineData("bmfrggzdf")]
    public void Multibase_Base32CanonicalLengths_StillDecode(string text)
    {
        var bytes = Multibase.TryDecode(text, out _);

        Assert.NotNull(bytes);
        Assert.Equal(text, Multibase.Encode('b', bytes));
    }

    // car: a CARv2 whose data size ends inside the v1 header it wraps. The header was read past the payload's end,
    // and reading the first section's length then asked for a negative number of bytes: ArgumentOutOfRangeException
    // instead of InvalidDataException. Input in tests/fuzz-corpus/car/regress-carv2-header-past-payload.
    [Fact]
    public async Task CarReader_V2PayloadEndingInsideItsHeader_Rejected()
    {
        var inner = new MemoryStream();
        var writer = new CarWriter(inner);
        var leaf = "leaf"u8.ToArray();
        var cid = Cid.V1(Multicodec.Raw, Multihash.Sha256(leaf));
        await writer.WriteHeaderAsync([cid]);
        await writer.WriteBlockAsync(cid, leaf);
        byte[] pragma = [0x0A, 0xA1, 0x67, 0x76, 0x65, 0x72, 0x73, 0x69, 0x6F, 0x6E, 0x02];
        var car = new byte[pragma.Length + 40 + inner.Length];
        pragma.CopyTo(car, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(car.AsSpan(pragma.Length + 16), (ulong)(pragma.Length + 40));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(car.AsSpan(pragma.Length + 24), 16);
        inner.ToArray().CopyTo(car, pragma.Length + 40);

        var reader = new CarReader(new MemoryStream(car));
        var error = await Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            await reader.ReadHeaderAsync();
            await reader.ReadBlockAsync();
        });
        Assert.Contains("past the payload", error.Message, StringComparison.Ordinal);
    }
}
