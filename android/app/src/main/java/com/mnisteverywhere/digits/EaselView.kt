package com.mnisteverywhere.digits

import android.content.Context
import android.graphics.Bitmap
import android.graphics.Canvas
import android.graphics.Color
import android.graphics.Paint
import android.os.Parcel
import android.os.Parcelable
import android.util.AttributeSet
import android.view.MotionEvent
import android.view.View
import kotlin.math.roundToInt

/**
 * A sheet of paper to draw on with one pen, by finger or stylus. [drawing] gives what is drawn as a
 * bitmap the size of the view; the strokes survive rotation.
 *
 * The pen is [Preprocessor.PEN_WIDTH] of the shorter side wide, as on the web page. XML attributes
 * (res/values/attrs.xml): paperColor (the background), penColor, and aspectRatio (width / height),
 * which the view keeps at the largest size its parent allows.
 */
class EaselView @JvmOverloads constructor(
    context: Context,
    attrs: AttributeSet? = null,
    defStyleAttr: Int = 0
) : View(context, attrs, defStyleAttr) {

    private val pen = Paint(Paint.ANTI_ALIAS_FLAG).apply {
        style = Paint.Style.STROKE
        strokeCap = Paint.Cap.ROUND
        strokeJoin = Paint.Join.ROUND
    }

    // Finished strokes as x, y pairs in fractions of the view's size, so any size can redraw them.
    private val strokes = ArrayList<FloatArray>()

    // The stroke being drawn, in pixels, and the pointer drawing it.
    private val stroke = ArrayList<Float>()
    private var pointerId = NO_POINTER

    private var bitmap: Bitmap? = null
    private val bitmapCanvas = Canvas()

    var paperColor: Int = Color.WHITE
        set(value) {
            field = value
            redraw()
        }

    var penColor: Int
        get() = pen.color
        set(value) {
            pen.color = value
            redraw()
        }

    /** Width / height. */
    var aspectRatio: Float = 1f
        set(value) {
            require(value > 0f) { "aspect ratio $value" }
            field = value
            requestLayout()
        }

    /**
     * Called when the drawing settles: a stroke ends, [clear] empties it, or the strokes are drawn
     * again at a new size (after rotation).
     */
    var onDrawingChanged: (() -> Unit)? = null

    val isEmpty: Boolean get() = strokes.isEmpty()

    /** The finished strokes: x, y pairs in fractions of the view's width and height. */
    fun finishedStrokes(): List<FloatArray> = strokes.map { it.copyOf() }

    init {
        val attributes =
            context.obtainStyledAttributes(attrs, R.styleable.EaselView, defStyleAttr, 0)
        try {
            paperColor = attributes.getColor(R.styleable.EaselView_paperColor, Color.WHITE)
            penColor = attributes.getColor(R.styleable.EaselView_penColor, Color.BLACK)
            aspectRatio = attributes.getFloat(R.styleable.EaselView_aspectRatio, 1f)
        } finally {
            attributes.recycle()
        }
    }

    /** A copy of what is drawn, paper included, the size of the view. */
    fun drawing(): Bitmap =
        checkNotNull(bitmap) { "the easel has no size yet" }.copy(Bitmap.Config.ARGB_8888, false)

    fun clear() {
        strokes.clear()
        stroke.clear()
        pointerId = NO_POINTER
        redraw()
        onDrawingChanged?.invoke()
    }

    override fun onMeasure(widthMeasureSpec: Int, heightMeasureSpec: Int) {
        val maxWidth = maxSize(widthMeasureSpec)
        val maxHeight = maxSize(heightMeasureSpec)
        var width: Int
        var height: Int
        if (maxWidth == Int.MAX_VALUE && maxHeight == Int.MAX_VALUE) {
            width = suggestedMinimumWidth
            height = (width / aspectRatio).roundToInt()
        } else {
            width = maxWidth
            height = (width / aspectRatio).roundToInt()
            if (height > maxHeight) {
                height = maxHeight
                width = (height * aspectRatio).roundToInt()
            }
        }
        setMeasuredDimension(
            resolveSize(width, widthMeasureSpec), resolveSize(height, heightMeasureSpec)
        )
    }

    override fun onSizeChanged(w: Int, h: Int, oldw: Int, oldh: Int) {
        if (w == 0 || h == 0) return
        bitmap = Bitmap.createBitmap(w, h, Bitmap.Config.ARGB_8888).also(bitmapCanvas::setBitmap)
        pen.strokeWidth = (Preprocessor.PEN_WIDTH * minOf(w, h)).toFloat()
        redraw()
        if (!isEmpty) onDrawingChanged?.invoke()
    }

    override fun onDraw(canvas: Canvas) {
        bitmap?.let { canvas.drawBitmap(it, 0f, 0f, null) }
    }

    override fun onTouchEvent(event: MotionEvent): Boolean {
        when (event.actionMasked) {
            MotionEvent.ACTION_DOWN -> {
                parent?.requestDisallowInterceptTouchEvent(true)
                // A stylus reports far more often than the screen refreshes: take every sample.
                requestUnbufferedDispatch(event)
                pointerId = event.getPointerId(0)
                stroke.clear()
                addPoint(event.x, event.y)
            }
            MotionEvent.ACTION_MOVE -> {
                val index = event.findPointerIndex(pointerId)
                if (index >= 0) {
                    for (h in 0 until event.historySize) {
                        addPoint(event.getHistoricalX(index, h), event.getHistoricalY(index, h))
                    }
                    addPoint(event.getX(index), event.getY(index))
                }
            }
            MotionEvent.ACTION_POINTER_UP ->
                if (event.getPointerId(event.actionIndex) == pointerId) finishStroke()
            MotionEvent.ACTION_UP -> {
                finishStroke()
                performClick()
            }
            // The system took the gesture back (a resting palm, say): it was not meant as ink.
            MotionEvent.ACTION_CANCEL -> {
                stroke.clear()
                pointerId = NO_POINTER
                redraw()
            }
        }
        return true
    }

    // Accessibility services act through performClick, which a tap on the easel triggers too.
    override fun performClick(): Boolean = super.performClick()

    override fun onSaveInstanceState(): Parcelable =
        SavedState(super.onSaveInstanceState(), strokes)

    override fun onRestoreInstanceState(state: Parcelable?) {
        if (state !is SavedState) return super.onRestoreInstanceState(state)
        super.onRestoreInstanceState(state.superState)
        strokes.clear()
        strokes.addAll(state.strokes)
        if (bitmap != null) {
            redraw()
            if (!isEmpty) onDrawingChanged?.invoke()
        }
    }

    private fun addPoint(x: Float, y: Float) {
        if (bitmap == null) return
        val n = stroke.size
        if (n == 0) {
            bitmapCanvas.drawPoint(x, y, pen)
        } else {
            bitmapCanvas.drawLine(stroke[n - 2], stroke[n - 1], x, y, pen)
        }
        stroke.add(x)
        stroke.add(y)
        invalidate()
    }

    private fun finishStroke() {
        if (pointerId == NO_POINTER) return
        pointerId = NO_POINTER
        if (stroke.isEmpty()) return
        strokes.add(FloatArray(stroke.size) { i -> stroke[i] / if (i % 2 == 0) width else height })
        stroke.clear()
        onDrawingChanged?.invoke()
    }

    private fun redraw() {
        val bitmap = bitmap ?: return
        bitmapCanvas.drawColor(paperColor)
        val w = bitmap.width.toFloat()
        val h = bitmap.height.toFloat()
        for (points in strokes) {
            if (points.size == 2) bitmapCanvas.drawPoint(points[0] * w, points[1] * h, pen)
            for (i in 2 until points.size step 2) {
                val x0 = points[i - 2] * w
                val y0 = points[i - 1] * h
                bitmapCanvas.drawLine(x0, y0, points[i] * w, points[i + 1] * h, pen)
            }
        }
        invalidate()
    }

    private fun maxSize(measureSpec: Int): Int =
        if (MeasureSpec.getMode(measureSpec) == MeasureSpec.UNSPECIFIED) Int.MAX_VALUE
        else MeasureSpec.getSize(measureSpec)

    internal class SavedState : BaseSavedState {
        val strokes: List<FloatArray>

        constructor(superState: Parcelable?, strokes: List<FloatArray>) : super(superState) {
            this.strokes = strokes.toList()
        }

        constructor(source: Parcel) : super(source) {
            strokes = List(source.readInt()) { source.createFloatArray() ?: FloatArray(0) }
        }

        override fun writeToParcel(out: Parcel, flags: Int) {
            super.writeToParcel(out, flags)
            out.writeInt(strokes.size)
            strokes.forEach(out::writeFloatArray)
        }

        companion object {
            @JvmField
            val CREATOR = object : Parcelable.Creator<SavedState> {
                override fun createFromParcel(source: Parcel) = SavedState(source)
                override fun newArray(size: Int) = arrayOfNulls<SavedState>(size)
            }
        }
    }

    private companion object {
        const val NO_POINTER = -1
    }
}
