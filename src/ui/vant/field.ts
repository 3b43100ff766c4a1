import 'vant/es/style/base.css'
import 'vant/es/badge/index.css'
import 'vant/es/icon/index.css'
import 'vant/es/cell/index.css'
import 'vant/es/field/index.css'

export { Field as VanField } from 'vant'
