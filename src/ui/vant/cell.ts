import 'vant/es/style/base.css'
import 'vant/es/badge/index.css'
import 'vant/es/icon/index.css'
import 'vant/es/cell/index.css'
import 'vant/es/cell-group/index.css'

export { Cell as VanCell, CellGroup as VanCellGroup } from 'vant'
