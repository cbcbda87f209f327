using System.Buffers;
using System.IO.Pipelines;
using P2P.Node.Hosting.Http;

namespace P2P.Node.Tests.Hosting;

/// <summary>How <see cref="ResponseBodyStream"/> hands a write to the response pipe: in slices, then one flush.</summary>
public sealed class ResponseBodyStreamTests
{
    [Theory]
    [InlineData(0, 600 * 1024, new[] { 65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 24576 })]
    [InlineData(256 * 1024, 600 * 1024, new[] { 262144, 262144, 90112 })]
    [InlineData(256 * 1024, 256 * 1024, new[] { 262144 })]
    public async Task WriteAsync_GoesDownInSlicesOfTheSizeAsked(int sliceSize, int length, int[] slices)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0));
        var writer = new RecordingWriter(pipe.Writer);
        var stream = sliceSize == 0
            ? new ResponseBodyStream(writer, CancellationToken.None)
            : new ResponseBodyStream(writer, CancellationToken.None, sliceSize);
        var data = new byte[length];
        new Random(length).NextBytes(data);

        await stream.WriteAsync(data);
        await pipe.Writer.CompleteAsync();

        Assert.Equal(slices, writer.Writes);
        Assert.Equal(length, stream.Written);
        var read = await pipe.Reader.ReadAtLeastAsync(length + 1);
        Assert.Equal(data, read.Buffer.ToArray());
    }

    [Fact]
    public void Constructor_SliceOfNothing_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ResponseBodyStream(new Pipe().Writer, CancellationToken.None, 0));

    /// <summary>A pipe writer that notes the length of each write it passes on.</summary>
    private sealed class RecordingWriter(PipeWriter inner) : PipeWriter
    {
        public List<int> Writes { get; } = [];

        public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
        {
            Writes.Add(source.Length);
            return inner.WriteAsync(source, cancellationToken);
        }

        public override void Advance(int bytes) => inner.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);
    }
}
