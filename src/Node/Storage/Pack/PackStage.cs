using System.Runtime.InteropServices;

namespace P2P.Node.Storage.Pack;

/// <summary>
/// A staging buffer of the pack store's write path: records are copied into it under the write lock, and once
/// it is full (or flushed) a writer thread puts it into the segment file with one large positional write. The
/// buffer is page-aligned so that write can go through an <c>O_DIRECT</c> descriptor (see docs/STORAGE.md).
/// Buffers are reused; the fields below describe the current use and are reset by <see cref="Reset"/>.
/// </summary>
internal sealed class PackStage
{
    /// <summary>Alignment of file offsets, lengths and memory for direct I/O: the page size, which covers every logical block size in use.</summary>
    public const int Alignment = 4096;

    private readonly byte[] _array;
    private readonly int _start;
    private readonly Lock _gate = new();

    public PackStage(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(capacity % Alignment, 0);
        // A pinned array rather than native memory: the GC frees it with the store, and nothing leaks if a store is never disposed.
        _array = GC.AllocateUninitializedArray<byte>(capacity + Alignment, pinned: true);
        var address = Marshal.UnsafeAddrOfPinnedArrayElement(_array, 0);
        _start = (int)((Alignment - (address % Alignment)) % Alignment);
        Capacity = capacity;
    }

    public int Capacity { get; }

    public Span<byte> Span => _array.AsSpan(_start, Capacity);

    public ReadOnlyMemory<byte> Memory => _array.AsMemory(_start, Capacity);

    /// <summary>Changes on every reuse (under the stage's own lock), so a reader holding an old pending entry can tell the bytes are gone.</summary>
    public long Use { get; private set; }

    /// <summary>Position in the order of hand-offs; stages are published in this order.</summary>
    public long Sequence { get; set; }

    public PackSegment Segment { get; private set; } = null!;

    /// <summary>File offset of byte 0 of the buffer; always aligned.</summary>
    public long FileOffset { get; private set; }

    /// <summary>Bytes in use, including <see cref="CarryLength"/> bytes of the previous stage's last partial page.</summary>
    public int Fill { get; set; }

    /// <summary>Leading bytes copied from the previous stage (its unaligned tail), already counted in <see cref="Fill"/>.</summary>
    public int CarryLength { get; private set; }

    /// <summary>Bytes to write, aligned: the whole pages below <see cref="Fill"/>, or all of it padded with zeros when flushed.</summary>
    public int WriteLength { get; set; }

    /// <summary>The records whose last byte this stage writes; they become readable from the file when it is written.</summary>
    public List<PackStagedEntry> Entries { get; } = [];

    /// <summary>Some entry starts in this stage but ends in the next, so this buffer must outlive the next stage's write (pending reads copy from it).</summary>
    public bool CarriesIntoNext { get; set; }

    /// <summary>The write of the same first page by the previous (flushed, padded) stage, which must land first.</summary>
    public Task? After { get; set; }

    /// <summary>Completed once this use's bytes are in the file (or failed).</summary>
    public TaskCompletionSource Written { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The write has completed (successfully or not). Under the store's publish lock.</summary>
    public bool Done { get; set; }

    /// <summary>Written, but holds the end of records that start in the previous stage, which is not written yet. Under the store's publish lock.</summary>
    public bool AwaitsPrevious { get; set; }

    /// <summary>Set by the writer when the write failed.</summary>
    public Exception? Error { get; set; }

    /// <summary>Prepares the buffer for a new use at <paramref name="fileOffset"/>, starting with <paramref name="carry"/> bytes already in the file's last page.</summary>
    public void Reset(long use, PackSegment segment, long fileOffset, ReadOnlySpan<byte> carry)
    {
        lock (_gate)
        {
            Use = use;
            Sequence = 0;
            Segment = segment;
            FileOffset = fileOffset;
            carry.CopyTo(Span);
            CarryLength = Fill = carry.Length;
            WriteLength = 0;
            Entries.Clear();
            CarriesIntoNext = false;
            After = null;
            Error = null;
            Written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Done = false;
            AwaitsPrevious = false;
        }
    }

    /// <summary>Copies a pending block's bytes out, or returns null when the buffer has been reused since <paramref name="use"/>.</summary>
    public byte[]? TryCopy(long use, int offset, int length)
    {
        lock (_gate)
        {
            return Use == use ? Span.Slice(offset, length).ToArray() : null;
        }
    }
}
