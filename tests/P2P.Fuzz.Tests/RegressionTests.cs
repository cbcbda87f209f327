using P2P.Node.Content;

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
}
