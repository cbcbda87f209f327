using P2P.Node.Errors;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Errors;

public sealed class ErrorClassifierTests
{
    private static readonly Cid SomeCid = Cid.Parse("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e");

    public static TheoryData<Exception, ErrorKind> Cases() => new()
    {
        { new BlockNotFoundException(SomeCid), ErrorKind.NotFound },
        { new CorruptBlockException(SomeCid), ErrorKind.Corrupt },
        { new RepoException(RepoErrorReason.Corrupt, "pins damaged"), ErrorKind.Corrupt },
        { new RepoException(RepoErrorReason.Locked, "in use"), ErrorKind.Repo },
        { new RepoException(RepoErrorReason.AlreadyExists, "exists"), ErrorKind.Repo },
        { new P2PException(ErrorKind.Conflict, "already there"), ErrorKind.Conflict },
        { new FileNotFoundException("no link named 'x' under y"), ErrorKind.NotFound },
        { new DirectoryNotFoundException("Could not find a part of the path '/a/b'."), ErrorKind.NotFound },
        { new FormatException("invalid CID 'x': bad multibase"), ErrorKind.BadInput },
        { new ArgumentException("offset must not be negative"), ErrorKind.BadInput },
        { new InvalidDataException("block is not dag-pb"), ErrorKind.Corrupt },
        { new IOException("No space left on device", ErrorClassifier.Enospc), ErrorKind.DiskFull },
        { new IOException("cannot store block: the disk is full", new IOException("No space left on device", ErrorClassifier.Enospc)), ErrorKind.DiskFull },
        { new IOException("Input/output error"), ErrorKind.Io },
        { new UnauthorizedAccessException("Access to the path '/x' is denied."), ErrorKind.Io },
        { new TimeoutException("slow"), ErrorKind.Unavailable },
        { new OperationCanceledException(), ErrorKind.Unavailable },
        { new InvalidOperationException("the planner lost a want"), ErrorKind.Internal },
        { new NullReferenceException(), ErrorKind.Internal },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Classify_GivesTheKind_AndASentenceWithoutATypeName(Exception e, ErrorKind expected)
    {
        var error = ErrorClassifier.Classify(e);
        Assert.Equal(expected, error.Kind);
        Assert.False(string.IsNullOrWhiteSpace(error.Sentence));
        Assert.DoesNotContain("Exception", error.Sentence, StringComparison.Ordinal);
        Assert.DoesNotContain(e.GetType().Name, error.Sentence, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_AP2PException_KeepsItsSentence()
    {
        Assert.Equal($"block {SomeCid} is not in the repo and could not be fetched", ErrorClassifier.Classify(new BlockNotFoundException(SomeCid)).Sentence);
    }

    [Fact]
    public void Classify_FileNotFoundWithAName_NamesTheFile()
    {
        var error = ErrorClassifier.Classify(new FileNotFoundException("Could not find file", "/tmp/nothing.txt"));
        Assert.Equal("no such file: /tmp/nothing.txt", error.Sentence);
    }

    [Fact]
    public void Classify_ArgumentException_DropsTheParameterSuffix()
    {
        var error = ErrorClassifier.Classify(new ArgumentOutOfRangeException("count", "count must be positive"));
        Assert.Equal("count must be positive", error.Sentence);
    }

    [Fact]
    public void Classify_CancellationOfTheCallersOwnToken_IsAnInterruption()
    {
        var error = ErrorClassifier.Classify(new OperationCanceledException(), interrupted: true);
        Assert.Equal(ErrorKind.Interrupted, error.Kind);
        Assert.Equal(130, error.Row.ExitCode);
    }

    [Fact]
    public void Classify_AnUnknownException_IsInternalAndAServerFault()
    {
        var error = ErrorClassifier.Classify(new InvalidOperationException("the planner lost a want"));
        Assert.Equal("internal error: the planner lost a want", error.Sentence);
        Assert.True(error.IsServerFault);
        Assert.False(ErrorClassifier.Classify(new BlockNotFoundException(SomeCid)).IsServerFault);
    }
}
