using System.Buffers;

namespace P2P.Node.Tests.Content;

/// <summary>
/// An array pool that overwrites every array handed back with <see cref="Poison"/> and hands the same arrays out
/// again, so a reader that uses a block after returning it sees poison or another block's bytes, never its own.
/// Counts what is out; <see cref="AllReturned"/> completes once everything rented has come back.
/// </summary>
internal sealed class PoisoningPool : ArrayPool<byte>
{
    public const byte Poison = 0xEE;

    private readonly Lock _gate = new();

    /// <summary>Arrays back in the pool, reused before any new one is made. Guarded by <see cref="_gate"/>.</summary>
    private readonly Stack<byte[]> _free = new();

    /// <summary>Guarded by <see cref="_gate"/>.</summary>
    private int _outstanding;

    private TaskCompletionSource _allReturned = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Rented { get; private set; }

    public int Outstanding
    {
        get
        {
            lock (_gate)
                return _outstanding;
        }
    }

    /// <summary>Completes when nothing is out (after at least one rent).</summary>
    public Task AllReturned
    {
        get
        {
            lock (_gate)
                return _allReturned.Task;
        }
    }

    public override byte[] Rent(int minimumLength)
    {
        lock (_gate)
        {
            Rented++;
            _outstanding++;
            if (_allReturned.Task.IsCompleted)
                _allReturned = new(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_free.Count > 0 && _free.Peek().Length >= minimumLength)
                return _free.Pop();
            return new byte[minimumLength];
        }
    }

    public override void Return(byte[] array, bool clearArray = false)
    {
        array.AsSpan().Fill(Poison);
        lock (_gate)
        {
            if (_free.Contains(array))
                throw new InvalidOperationException("an array was returned twice");
            _free.Push(array);
            if (--_outstanding == 0)
                _allReturned.TrySetResult();
        }
    }
}
