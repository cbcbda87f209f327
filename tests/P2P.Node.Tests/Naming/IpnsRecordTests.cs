using System.Text;
using P2P.Node.Naming;

namespace P2P.Node.Tests.Naming;

public sealed class IpnsRecordTests
{
    private static readonly DateTimeOffset Eol = new DateTimeOffset(2126, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(1234567);

    [Fact]
    public void Create_ThenTryParse_GivesBackEveryField()
    {
        using var key = IpnsVectors.Key();
        var bytes = IpnsRecord.Create(key, IpnsVectors.Value, 42, Eol, TimeSpan.FromSeconds(90));

        Assert.True(IpnsRecord.TryParse(bytes, out var record, out var error), error);
        Assert.Equal(IpnsVectors.Value, record.Value);
        Assert.Equal(42UL, record.Sequence);
        Assert.Equal(Eol, record.Validity);
        Assert.Equal("2126-01-01T00:00:00.1234567Z", record.ValidityText);
        Assert.Equal(90_000_000_000UL, record.TtlNanoseconds);
        Assert.Equal(TimeSpan.FromSeconds(90), record.Ttl);
        Assert.Equal(bytes, record.Bytes);
        Assert.False(record.HasV1Fields);
        Assert.True(record.PublicKey.IsEmpty);
    }

    [Fact]
    public void Create_WritesTheSpecsCborKeyOrder_ByteForByte()
    {
        using var key = IpnsVectors.Key();
        var eol = new DateTimeOffset(2126, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.True(IpnsRecord.TryParse(IpnsRecord.Create(key, IpnsVectors.Value, 7, eol, TimeSpan.FromMinutes(5)), out var record, out _));
        // The library's data with its 30-byte validity text (58 1e ...) replaced by ours, Go's form (54 + 20 bytes).
        var libraryValidity = "581e" + Convert.ToHexStringLower(Encoding.ASCII.GetBytes(IpnsVectors.Validity));
        var ours = "54" + Convert.ToHexStringLower("2126-01-01T00:00:00Z"u8);
        Assert.Equal(IpnsVectors.DataHex.Replace(libraryValidity, ours, StringComparison.Ordinal), Convert.ToHexStringLower(record.Entry.Data));
    }

    [Fact]
    public void Create_V1Compatible_FillsTheLegacyFieldsWithTheSignedValues()
    {
        using var key = IpnsVectors.Key();
        var bytes = IpnsRecord.Create(key, IpnsVectors.Value, 3, Eol, TimeSpan.FromMinutes(1), v1Compatible: true);
        Assert.True(IpnsRecord.TryParse(bytes, out var record, out _));
        Assert.True(record.HasV1Fields);
        Assert.Equal(Encoding.UTF8.GetBytes(IpnsVectors.Value), record.Entry.Value);
        Assert.Equal(3UL, record.Entry.Sequence);
        Assert.Equal(0UL, record.Entry.ValidityType);
        Assert.Equal(60_000_000_000UL, record.Entry.Ttl);
        Assert.Equal(64, record.Entry.SignatureV1.Length);
        Assert.True(P2P.Node.Security.NodeIdentity.Verify(key.PeerId, [.. record.Entry.Value, .. record.Entry.Validity, .. "EOL"u8], record.Entry.SignatureV1));
    }

    [Fact]
    public void TryParse_TheReferenceLibrarysRecords_ReadsTheirValues()
    {
        foreach (var bytes in new[] { IpnsVectors.V1V2, IpnsVectors.V2 })
        {
            Assert.True(IpnsRecord.TryParse(bytes, out var record, out var error), error);
            Assert.Equal(IpnsVectors.Value, record.Value);
            Assert.Equal(7UL, record.Sequence);
            Assert.Equal(IpnsVectors.Validity, record.ValidityText);
            Assert.Equal(new DateTimeOffset(2126, 1, 1, 0, 0, 0, TimeSpan.Zero), record.Validity);
            Assert.Equal(TimeSpan.FromMinutes(5), record.Ttl);
            Assert.Equal(IpnsVectors.DataHex, Convert.ToHexStringLower(record.Entry.Data));
        }
    }

    [Fact]
    public void Create_OverTheSizeLimit_Throws()
    {
        using var key = IpnsVectors.Key();
        var value = "/ipfs/" + new string('a', IpnsRecord.MaxSize);
        Assert.Throws<ArgumentException>(() => IpnsRecord.Create(key, value, 1, Eol, TimeSpan.Zero));
    }

    [Theory]
    [InlineData(new byte[] { 0x42 }, "malformed")]
    [InlineData(new byte[] { 0x4a, 0x01, 0xa0 }, "no signatureV2")]
    [InlineData(new byte[] { 0x42, 0x01, 0x00 }, "no data")]
    [InlineData(new byte[] { 0x42, 0x01, 0x00, 0x4a, 0x01, 0x01 }, "not a CBOR map")]
    [InlineData(new byte[] { 0x42, 0x01, 0x00, 0x4a, 0x01, 0xa0 }, "no Value")]
    [InlineData(new byte[] { 0x0a, 0x01 }, "malformed")]
    public void TryParse_MalformedBytes_SaysWhy(byte[] bytes, string expected)
    {
        Assert.False(IpnsRecord.TryParse(bytes, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_DuplicateCborKey_IsRefused()
    {
        // {"Value": h'', "Value": h''}: two readers could take different ones, so the record is refused.
        byte[] data = [0xa2, 0x65, .. "Value"u8, 0x40, 0x65, .. "Value"u8, 0x40];
        byte[] bytes = [0x42, 0x01, 0x00, 0x4a, (byte)data.Length, .. data];
        Assert.False(IpnsRecord.TryParse(bytes, out _, out var error));
        Assert.Contains("DAG-CBOR", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_OversizedBytes_IsRefusedBeforeParsing()
    {
        Assert.False(IpnsRecord.TryParse(new byte[IpnsRecord.MaxSize + 1], out _, out var error));
        Assert.Contains("limit", error, StringComparison.Ordinal);
    }
}
