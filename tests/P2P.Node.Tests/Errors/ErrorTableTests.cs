using P2P.Node.Errors;

namespace P2P.Node.Tests.Errors;

public sealed class ErrorTableTests
{
    /// <summary>The README's exit codes: 0 ok, 1 other, 2 usage, 3 repo, 4 not found, 5 corrupt, 130 interrupted.</summary>
    private static readonly int[] DocumentedExitCodes = [1, 2, 3, 4, 5, 130];

    public static TheoryData<ErrorKind> Kinds() => new(Enum.GetValues<ErrorKind>());

    [Theory]
    [MemberData(nameof(Kinds))]
    public void For_EveryKind_HasADocumentedExitCodeAnErrorStatusAndAKuboCode(ErrorKind kind)
    {
        var row = ErrorTable.For(kind);
        Assert.Contains(row.ExitCode, DocumentedExitCodes);
        Assert.InRange(row.HttpStatus, 400, 599);
        Assert.InRange(row.KuboCode, 0, 2);
    }

    [Fact]
    public void All_ListsEveryKindOnce()
    {
        Assert.Equal(Enum.GetValues<ErrorKind>(), ErrorTable.All.Select(r => r.Kind));
    }

    [Fact]
    public void For_TheReadmeMapping_Holds()
    {
        Assert.Equal(4, ErrorTable.For(ErrorKind.NotFound).ExitCode);
        Assert.Equal(404, ErrorTable.For(ErrorKind.NotFound).HttpStatus);
        Assert.Equal(5, ErrorTable.For(ErrorKind.Corrupt).ExitCode);
        Assert.Equal(2, ErrorTable.For(ErrorKind.BadInput).ExitCode);
        Assert.Equal(400, ErrorTable.For(ErrorKind.BadInput).HttpStatus);
        Assert.Equal(1, ErrorTable.For(ErrorKind.BadInput).KuboCode);
        Assert.Equal(3, ErrorTable.For(ErrorKind.Repo).ExitCode);
        Assert.Equal(1, ErrorTable.For(ErrorKind.DiskFull).ExitCode);
        Assert.Equal(130, ErrorTable.For(ErrorKind.Interrupted).ExitCode);
        Assert.Equal(500, ErrorTable.For(ErrorKind.Internal).HttpStatus);
        Assert.Equal(2, ErrorTable.For(ErrorKind.Internal).KuboCode);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void KindOfStatus_OfAKindsStatus_GivesAKindWithTheSameStatus(ErrorKind kind)
    {
        var status = ErrorTable.For(kind).HttpStatus;
        Assert.Equal(status, ErrorTable.For(ErrorTable.KindOfStatus(status)).HttpStatus);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Parse_OfAKindsName_RoundTrips(ErrorKind kind)
    {
        Assert.Equal(kind, ErrorTable.Parse(kind.ToString()));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("NoSuchKind")]
    [InlineData("notfound")]
    [InlineData("999")]
    public void Parse_OfAnUnknownName_IsNull(string? name)
    {
        Assert.Null(ErrorTable.Parse(name));
    }

    [Theory]
    [InlineData(401, ErrorKind.Forbidden)]
    [InlineData(422, ErrorKind.Corrupt)]
    [InlineData(418, ErrorKind.BadInput)]
    [InlineData(504, ErrorKind.Internal)]
    public void KindOfStatus_OfAStatusOutsideTheTable_IsTheClosestKind(int status, ErrorKind expected)
    {
        Assert.Equal(expected, ErrorTable.KindOfStatus(status));
    }
}
